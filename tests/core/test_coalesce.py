"""Concurrent jobs' outbox questions become one statement each; each job still gets its own
answer, and nobody waits for ever when a statement fails or the worker stops."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from pickey_core.queue.coalesce import Coalescer


class Recorder:
    """A statement that answers "even keys are open" and records each batch it was given."""

    def __init__(self, fail: bool = False) -> None:
        self.batches: list[list[int]] = []
        self.fail = fail

    async def __call__(self, keys: Sequence[int]) -> dict[int, bool]:
        self.batches.append(list(keys))
        await asyncio.sleep(0.01)
        if self.fail:
            raise RuntimeError("database away")
        return {key: True for key in keys if key % 2 == 0}


async def test_concurrent_questions_share_one_statement_and_get_their_own_answers() -> None:
    statement = Recorder()
    coalescer = Coalescer(statement, default=False)

    answers = await asyncio.gather(*(coalescer.ask(key) for key in range(10)))

    assert answers == [key % 2 == 0 for key in range(10)]
    assert statement.batches == [list(range(10))]


async def test_questions_asked_during_a_statement_go_together_into_the_next() -> None:
    statement = Recorder()
    coalescer = Coalescer(statement, default=False)

    first = asyncio.ensure_future(coalescer.ask(0))
    await asyncio.sleep(0.005)  # the first statement is in flight
    later = await asyncio.gather(*(coalescer.ask(key) for key in (1, 2, 3)))

    assert await first is True
    assert later == [False, True, False]
    assert statement.batches == [[0], [1, 2, 3]]


async def test_a_failed_statement_fails_each_question_of_its_batch() -> None:
    coalescer = Coalescer(Recorder(fail=True), default=False)

    results = await asyncio.gather(
        *(coalescer.ask(key) for key in range(3)), return_exceptions=True
    )

    assert all(isinstance(result, RuntimeError) for result in results)


async def test_stopping_mid_statement_leaves_nobody_waiting() -> None:
    coalescer = Coalescer(Recorder(), default=False)
    asking = asyncio.ensure_future(coalescer.ask(1))
    await asyncio.sleep(0.005)

    assert coalescer._flushing is not None
    coalescer._flushing.cancel()

    with pytest.raises(asyncio.CancelledError):
        await asking
