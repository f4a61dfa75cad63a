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

from pickey_core.media_failures import FailureCode, from_mux
from pickey_core.models import MediaStatus
from pickey_media.mux_events.schemas import AssetData, UploadData

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
    """Where an event wants the asset to be, and for a failure why (``code`` for the creator,
    ``reason`` the provider's words for support) and whether to tell."""

    status: MediaStatus
    reason: str | None = None
    code: FailureCode | None = None
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
        error = upload.error or {}
        message = str(error.get("message") or "")[:400]
        code = from_mux(error.get("type"), [message]) if message else FailureCode.UPLOAD_FAILED
        return Change(MediaStatus.FAILED, _support("upload errored", message), code, notify=True)
    if event_type == "video.upload.cancelled":
        # We cancel uploads ourselves (a newer upload replaced this one): nothing to tell.
        return Change(MediaStatus.FAILED, "Mux: upload cancelled", FailureCode.UPLOAD_CANCELLED)
    if event_type == "video.upload.timed_out":
        return Change(MediaStatus.FAILED, "Mux: upload timed out", FailureCode.UPLOAD_EXPIRED)
    return None


def _support(what: str, detail: str | None) -> str:
    """The provider's own words, kept on the asset for support (never shown to the creator)."""
    return f"Mux: {what}" + (f": {detail}" if detail else "")


def asset_change(event_type: str, asset: AssetData) -> Change | None:
    """The change a ``video.asset.*`` event asks for; None for events we do not act on."""
    if event_type == ASSET_DELETED:
        return Change(
            MediaStatus.FAILED,
            "Mux: asset deleted",
            FailureCode.DELETED_AT_PROVIDER,
            deleted=True,
        )
    if event_type not in ASSET_EVENTS:
        return None
    status = ASSET_STATUSES.get(asset.status)
    if status is None:
        return None
    if status is MediaStatus.FAILED:
        errors = asset.errors or {}
        messages = errors.get("messages")
        said = [str(message) for message in messages] if isinstance(messages, list) else []
        error_type = errors.get("type")
        code = from_mux(str(error_type) if error_type else None, said)
        reason = _support(f"asset errored ({error_type or 'no type'})", asset.error_text())
        return Change(status, reason, code, notify=True)
    return Change(status)
