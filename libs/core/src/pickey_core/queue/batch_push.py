"""Push many arq jobs in one Redis round trip, with exactly arq's ``enqueue_job`` semantics.

arq's ``enqueue_job`` spends three round trips per job (WATCH, EXISTS, MULTI/EXEC) so that a
job whose id is still queued, running or holding a result is refused. The outbox pushes jobs in
groups (a transaction's jobs after its commit, a sweep's batch), so here each job is one small
Lua script — the same check and the same two writes, atomic on the server — and a group is one
pipeline: one round trip whatever its size (issue 14, P3). The job is serialized by arq's own
``serialize_job`` with the connection's serializer, under arq's key names and default expiry,
so an arq worker cannot tell the difference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from arq.constants import job_key_prefix, result_key_prefix
from arq.jobs import serialize_job
from arq.utils import timestamp_ms

if TYPE_CHECKING:
    from arq.connections import ArqRedis

# KEYS: job key, result key, queue; ARGV: expiry (ms), serialized job, score, job id.
_ENQUEUE = """
if redis.call('EXISTS', KEYS[1], KEYS[2]) > 0 then return 0 end
redis.call('PSETEX', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[4])
return 1
"""


@dataclass(frozen=True)
class JobToPush:
    job_id: str
    function: str
    argument: Any
    queue: str


async def push_jobs(redis: ArqRedis, jobs: Sequence[JobToPush]) -> list[bool]:
    """Enqueue each job (its one positional argument, due now); for each, whether arq accepted
    it (False: a job with that id, or its result, is still in Redis). Raises on Redis errors,
    after which any subset may have been pushed (a later push of those is refused: harmless)."""
    if not jobs:
        return []
    now = timestamp_ms()
    async with redis.pipeline(transaction=False) as pipe:
        for job in jobs:
            body = serialize_job(
                job.function, (job.argument,), {}, None, now, serializer=redis.job_serializer
            )
            keys = (job_key_prefix + job.job_id, result_key_prefix + job.job_id, job.queue)
            values: list[Any] = [redis.expires_extra_ms, body, now, job.job_id]
            pipe.eval(_ENQUEUE, 3, *keys, *values)
        results = await pipe.execute()
    return [bool(result) for result in results]
