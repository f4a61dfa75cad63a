"""The ``ProcessImage`` job: read the original, make the variants, store them, settle the asset.

Decoding and encoding run in a thread (the event loop keeps serving health checks and other
jobs) and at most ``images.concurrency`` at a time per worker, which bounds the worker's memory
whatever ``max_jobs`` is. Refusals (``ImageRejected``) settle the asset as failed; anything else
(storage or database down) raises, and the job is retried.

Variants are stored under a fresh random prefix on every run, never derived from the post or
asset id. If a crash lands between storing and committing, the retry stores a new set and the
earlier one stays orphaned in the bucket; a run that finds the asset settled by another run
deletes what it stored.
"""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import structlog

from pickey_core.media_failures import FailureCode
from pickey_core.queue.contracts import ProcessImage
from pickey_core.storage import Storage, StorageObjectNotFound
from pickey_media.images import pipeline, service
from pickey_media.images.pipeline import ImageRejected, ProcessedImage
from pickey_media.worker_resources import MediaJobContext

logger = structlog.get_logger(__name__)

# 18 random bytes: 24 URL-safe characters nobody can guess or enumerate.
_KEY_RANDOM_BYTES = 18


def variant_prefix() -> str:
    return f"media/{secrets.token_urlsafe(_KEY_RANDOM_BYTES)}"


async def process_image(context: MediaJobContext, payload: ProcessImage) -> None:
    storage = context.service.storage
    slots = context.service.image_slots
    limits = context.service.settings.images
    resources = context.resources
    async with resources.unit_of_work() as session:
        pending = await service.start_processing(session, payload.asset_id)
    if pending is None:
        return
    try:
        original = await storage.get(pending.original_key)
    except StorageObjectNotFound:
        async with resources.unit_of_work() as session:
            await service.mark_failed(
                session,
                pending.asset_id,
                "The upload never arrived. Please upload it again.",
                FailureCode.NO_FILE,
            )
        return
    try:
        async with slots:
            processed = await asyncio.to_thread(
                pipeline.process, original, limits, teaser=pending.needs_teaser
            )
    except ImageRejected as rejected:
        async with resources.unit_of_work() as session:
            await service.mark_failed(session, pending.asset_id, rejected.reason, rejected.code)
        return
    original_bytes = len(original)
    del original  # the worker holds one copy of each image at most, not two
    variants = await _store(storage, processed)
    async with resources.unit_of_work() as session:
        settled = await service.mark_ready(
            session,
            pending.asset_id,
            content_type=processed.content_type,
            width=processed.width,
            height=processed.height,
            byte_size=original_bytes,
            variants=variants,
        )
    if not settled:
        logger.info("asset settled by another run; removing this run's variants")
        for variant in variants.values():
            await storage.delete(variant["key"])


async def _store(storage: Storage, processed: ProcessedImage) -> dict[str, dict[str, Any]]:
    """Put every variant under one fresh random prefix; return what ``MediaAsset.variants``
    records (the api reads ``variants[name]["key"]``)."""
    prefix = variant_prefix()
    variants: dict[str, dict[str, Any]] = {}
    for variant in processed.variants:
        key = f"{prefix}/{variant.name}"
        await storage.put(key, variant.data, variant.content_type)
        variants[variant.name] = {
            "key": key,
            "width": variant.width,
            "height": variant.height,
            "bytes": len(variant.data),
            "content_type": variant.content_type,
        }
    return variants
