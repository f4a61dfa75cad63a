"""An arq worker that starts a batch of jobs in one round trip and drains a backlog at once.

Two things cap arq's worker near 200 short jobs a second (issue 14, P3):

* ``start_jobs`` claims jobs one at a time, each with WATCH, EXISTS, ZSCORE and MULTI/EXEC:
  four or five round trips per job, one after the other;
* after each poll it sleeps ``poll_delay`` even when the queue holds more ready jobs than it
  had free slots.

Here the jobs of one poll are claimed with one pipeline of small Lua scripts (the same check
and the same write as arq's, atomic on the server, so workers of both kinds can share a queue),
and while ready jobs are left over, each freed slot is refilled at once by one script that
reads the queue and claims (one round trip), until the next ``poll_delay`` would have ended;
then arq's full poll runs again (heartbeat, cron, clean-up of finished tasks). An idle worker
still sends one ZRANGEBYSCORE per ``poll_delay``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from arq.constants import in_progress_key_prefix
from arq.utils import timestamp_ms
from arq.worker import Worker

# KEYS: the queue; ARGV: slots free, read limit, now (ms), in-progress expiry (ms), in-progress
# key prefix. Claims (as _CLAIM) up to "slots free" due jobs, oldest first: [id, score, ...].
# (The in-progress keys are not declared: this Redis is one server, not a cluster, as arq's.)
_CLAIM_DUE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[3], 'WITHSCORES', 'LIMIT', 0, ARGV[2])
local claimed = {}
local wanted = tonumber(ARGV[1])
for i = 1, #due, 2 do
  if #claimed >= 2 * wanted then break end
  local key = ARGV[5] .. due[i]
  if redis.call('EXISTS', key) == 0 then
    redis.call('PSETEX', key, ARGV[4], '1')
    claimed[#claimed + 1] = due[i]
    claimed[#claimed + 1] = due[i + 1]
  end
end
return claimed
"""

# KEYS: in-progress key, queue; ARGV: in-progress expiry (ms), job id, now (ms).
# The job's score when it was claimed, else false (running elsewhere, gone, or not yet due).
_CLAIM = """
if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local score = redis.call('ZSCORE', KEYS[2], ARGV[2])
if not score or tonumber(score) > tonumber(ARGV[3]) then return false end
redis.call('PSETEX', KEYS[1], ARGV[1], '1')
return score
"""


class EagerWorker(Worker):
    """:class:`arq.worker.Worker` with batched claims and backlog draining (module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._backlog = False
        self._slot_freed = asyncio.Event()

    async def _poll_iteration(self) -> None:
        deadline = asyncio.get_running_loop().time() + self.poll_delay_s
        await super()._poll_iteration()
        while self._backlog and self.allow_pick_jobs:
            if self.job_counter >= self.max_jobs:
                remaining = deadline - asyncio.get_running_loop().time()
                self._slot_freed.clear()
                try:
                    await asyncio.wait_for(self._slot_freed.wait(), max(remaining, 0))
                except TimeoutError:
                    return
            await self._refill()

    async def _refill(self) -> None:
        """Fill the free slots from the queue in one round trip (read and claim in one
        script); the heartbeat, cron and clean-up wait for the next full poll."""
        free = self.max_jobs - self.job_counter
        claimed: list[bytes] = await self.pool.eval(  # type: ignore[misc]
            _CLAIM_DUE,
            1,
            self.queue_name,
            str(free),
            str(self.queue_read_limit),
            str(timestamp_ms()),
            str(int(self.in_progress_timeout_s * 1000)),
            in_progress_key_prefix,
        )
        pairs = list(zip(claimed[0::2], claimed[1::2], strict=True))
        self._backlog = len(pairs) == free and bool(claimed)
        for job_id, score in pairs:
            await self._start(job_id.decode(), score)

    def _release_sem_dec_counter_on_complete(self) -> None:
        super()._release_sem_dec_counter_on_complete()
        self._slot_freed.set()

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        """Claim as many of ``job_ids`` (in order) as there are free slots, a slice per round
        trip, and start them; note whether ready jobs were left for lack of slots."""
        self._backlog = False
        waiting = [job_id.decode() for job_id in job_ids]
        while waiting:
            free = self.max_jobs - self.job_counter
            if free <= 0:
                self._backlog = True
                return
            batch, waiting = waiting[:free], waiting[free:]
            for job_id, score in zip(batch, await self._claim(batch), strict=True):
                if score is not None:  # else arq's check: running elsewhere, gone, or deferred
                    await self._start(job_id, score)

    async def _start(self, job_id: str, score: bytes) -> None:
        """Run a claimed job in a slot (arq's semaphore and counter, kept as arq keeps them)."""
        await self.sem.acquire()  # never waits: a slot is free
        self.job_counter += 1
        task = self.loop.create_task(self.run_job(job_id, int(float(score))))
        task.add_done_callback(lambda _: self._release_sem_dec_counter_on_complete())
        self.tasks[job_id] = task

    async def _claim(self, job_ids: list[str]) -> list[Any]:
        now = timestamp_ms()
        expiry = int(self.in_progress_timeout_s * 1000)
        async with self.pool.pipeline(transaction=False) as pipe:
            for job_id in job_ids:
                keys = (in_progress_key_prefix + job_id, self.queue_name)
                pipe.eval(_CLAIM, 2, *keys, str(expiry), job_id, str(now))
            return list(await pipe.execute())
