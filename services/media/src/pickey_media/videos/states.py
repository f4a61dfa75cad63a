"""Which Mux events move a video asset, and to where: forward only.

Mux's states map onto ours: upload ``waiting`` → ``waiting``, ``asset_created`` → ``uploaded``,
asset ``preparing`` → ``processing``, ``ready`` → ``ready``, ``errored`` (upload or asset) →
``failed``. Each has a rank; an event applies only if it ranks above the asset's current state,
so an older event arriving after a newer one (Mux does not order deliveries) changes nothing,
and ``ready`` and ``failed`` are final. One exception, :attr:`Change.deleted`: an asset deleted
at Mux cannot play any more, whatever it was before.
"""

from __future__ import annotations

from dataclasses import dataclass

from pickey_core.models import MediaStatus
from pickey_media.webhooks.schemas import AssetData, UploadData

RANK = {
    MediaStatus.WAITING: 0,
    MediaStatus.UPLOADED: 1,
    MediaStatus.PROCESSING: 2,
    MediaStatus.READY: 3,
    MediaStatus.FAILED: 3,
}
ASSET_STATUSES = {
    "preparing": MediaStatus.PROCESSING,
    "ready": MediaStatus.READY,
    "errored": MediaStatus.FAILED,
}
# Asset events whose ``data`` is the asset itself (track and rendition events carry other objects).
ASSET_EVENTS = frozenset(
    {
        "video.asset.created",
        "video.asset.ready",
        "video.asset.errored",
        "video.asset.updated",
        "video.asset.live_stream_completed",
    }
)
ASSET_DELETED = "video.asset.deleted"
UPLOAD_ASSET_CREATED = "video.upload.asset_created"


@dataclass(frozen=True)
class Change:
    """Where an event wants the asset to be, and for a failure why and whether to tell."""

    status: MediaStatus
    reason: str | None = None
    notify: bool = False
    deleted: bool = False


def applies(current: MediaStatus, change: Change) -> bool:
    if change.deleted:
        return current is not MediaStatus.FAILED
    return RANK[change.status] > RANK[current]


def upload_change(event_type: str, upload: UploadData) -> Change | None:
    """The change a ``video.upload.*`` event asks for; None for events we do not act on."""
    if event_type == UPLOAD_ASSET_CREATED:
        return Change(MediaStatus.UPLOADED)
    if event_type == "video.upload.errored":
        message = (upload.error or {}).get("message")
        detail = f": {str(message)[:400]}" if message else "."
        return Change(MediaStatus.FAILED, f"The upload failed{detail}", notify=True)
    if event_type == "video.upload.cancelled":
        # We cancel uploads ourselves (a newer upload replaced this one): nothing to tell.
        return Change(MediaStatus.FAILED, "The upload was cancelled.")
    if event_type == "video.upload.timed_out":
        return Change(MediaStatus.FAILED, "No file arrived before the upload link expired.")
    return None


def asset_change(event_type: str, asset: AssetData) -> Change | None:
    """The change a ``video.asset.*`` event asks for; None for events we do not act on."""
    if event_type == ASSET_DELETED:
        return Change(MediaStatus.FAILED, "The video was deleted at Mux.", deleted=True)
    if event_type not in ASSET_EVENTS:
        return None
    status = ASSET_STATUSES.get(asset.status)
    if status is None:
        return None
    if status is MediaStatus.FAILED:
        detail = asset.error_text()
        reason = "Mux could not process the video" + (f": {detail}" if detail else ".")
        return Change(status, reason, notify=True)
    return Change(status)
