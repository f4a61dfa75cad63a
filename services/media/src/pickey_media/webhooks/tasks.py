"""The ``HandleMuxEvent`` job: apply one stored Mux event and mark it processed, in one
transaction, so the event's effect and its ``processed_at`` commit together.

Safe to run twice: a processed event is skipped, and concurrent runs of one event wait on its
row lock. A failure (database trouble) rolls back everything the event did, counts the attempt
in the inbox row and lets the worker retry the job.
"""

from __future__ import annotations

import structlog

from pickey_core import inbox
from pickey_core.queue.contracts import HandleMuxEvent
from pickey_media.webhooks import events, repository
from pickey_media.worker_resources import MediaJobContext

logger = structlog.get_logger(__name__)


async def handle_mux_event(context: MediaJobContext, payload: HandleMuxEvent) -> None:
    resources = context.resources
    try:
        async with resources.unit_of_work() as session:
            stored = await repository.lock_unprocessed(session, payload.inbox_event_id)
            if stored is None:
                return
            outcome = await events.apply(session, stored)
            await inbox.mark_processed(session, stored.id)
            logger.info(
                "mux event handled",
                event_id=stored.external_id,
                type=stored.event_type,
                outcome=outcome.value,
            )
    except Exception as error:
        async with resources.unit_of_work() as session:
            await inbox.record_failure(session, payload.inbox_event_id, repr(error)[:2000])
        raise
