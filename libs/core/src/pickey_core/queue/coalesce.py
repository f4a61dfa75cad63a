"""One database statement for what many concurrent jobs ask at the same moment.

A worker runs up to ``max_jobs`` jobs at once, and each asks the outbox two questions of its
own row (may I run? I am done). Asked one by one that is two statements (and, in a
transaction, six round trips) per job: the worker's ceiling under a backlog (issue 14, P3).
:class:`Coalescer` gathers the keys asked for while the previous statement is in flight and
answers them all with the next one, so an idle worker pays one statement per job and a busy
one a statement per batch — each caller still waits for its own answer before going on, so
nothing is reordered (a job is marked completed before arq removes it from Redis).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Coalescer(Generic[K, V]):
    """Calls ``run(keys)`` (which answers ``{key: value}``) for batches of concurrent
    requests; a key missing from the answer gets ``default``. An error fails the whole batch."""

    def __init__(self, run: Callable[[Sequence[K]], Awaitable[dict[K, V]]], default: V) -> None:
        self._run = run
        self._default = default
        self._waiting: dict[K, list[asyncio.Future[V]]] = {}
        self._flushing: asyncio.Task[None] | None = None

    async def ask(self, key: K) -> V:
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, []).append(future)
        if self._flushing is None:
            self._flushing = asyncio.create_task(self._flush())
        return await future

    async def _flush(self) -> None:
        batch: dict[K, list[asyncio.Future[V]]] = {}
        try:
            # Let the jobs started in the same loop iteration add their keys first.
            await asyncio.sleep(0)
            while self._waiting:
                batch, self._waiting = self._waiting, {}
                try:
                    answers = await self._run(list(batch))
                except Exception as error:
                    _settle(batch, error=error)
                    continue
                for key, futures in batch.items():
                    for future in futures:
                        if not future.done():
                            future.set_result(answers.get(key, self._default))
        except BaseException:
            # Cancelled (the worker is stopping): nobody may wait for ever.
            _settle(batch)
            _settle(self._waiting)
            self._waiting = {}
            raise
        finally:
            self._flushing = None


def _settle(batch: dict[K, list[asyncio.Future[V]]], *, error: Exception | None = None) -> None:
    for futures in batch.values():
        for future in futures:
            if future.done():
                continue
            if error is None:
                future.cancel()
            else:
                future.set_exception(error)
