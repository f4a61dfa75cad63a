"""What the fake Mux remembers: direct uploads, assets, live streams, faults and the calls made.

One lock guards everything (async handlers and the thread pool of plain ``def`` routes share the
store) and readers get immutable snapshots. Objects are pydantic models shaped like Mux's JSON;
fields Mux does not show are excluded from :meth:`MuxObject.api_view`. Nothing is persisted.
"""

from __future__ import annotations

import secrets
import string
import threading
import uuid
from collections import deque
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from pickey_sandbox import faults

MAX_CALLS = 1_000
LiveStep = Literal["connected", "recording", "active", "disconnected", "idle"]
_ID_ALPHABET = string.ascii_letters + string.digits


def new_id() -> str:
    """Mux-looking id: 36 letters and digits."""
    return "".join(secrets.choice(_ID_ALPHABET) for _ in range(36))


def unix_seconds(moment: datetime) -> str:
    """Mux writes timestamps as a string of Unix seconds."""
    return str(int(moment.timestamp()))


class MuxApiError(Exception):
    """An answer in Mux's error shape: ``{"error": {"type": ..., "messages": [...]}}``."""

    def __init__(self, status_code: int, error_type: str, *messages: str) -> None:
        super().__init__(f"{status_code} {error_type}: {'; '.join(messages)}")
        self.status_code = status_code
        self.error_type = error_type
        self.messages = list(messages)

    def body(self) -> dict[str, Any]:
        return {"error": {"type": self.error_type, "messages": self.messages}}


def not_found(kind: str) -> MuxApiError:
    return MuxApiError(
        404,
        "not_found",
        f"The requested {kind} either doesn't exist or you don't have access to it.",
    )


class MuxObject(BaseModel):
    model_config = ConfigDict(frozen=True)

    internal: ClassVar[frozenset[str]] = frozenset()

    def api_view(self) -> dict[str, Any]:
        """The object as Mux's API shows it (sandbox bookkeeping left out)."""
        return self.model_dump(mode="json", exclude=set(self.internal))


class PlaybackId(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    policy: str


def playback_ids(policies: list[str]) -> list[PlaybackId]:
    return [PlaybackId(id=new_id(), policy=policy) for policy in policies]


class Upload(MuxObject):
    internal: ClassVar[frozenset[str]] = frozenset({"signature", "received_at", "bytes_received"})

    id: str
    url: str
    status: Literal["waiting", "asset_created", "errored", "cancelled", "timed_out"]
    timeout: int
    cors_origin: str | None
    new_asset_settings: dict[str, Any]
    asset_id: str | None = None
    test: bool = False
    created_at: str
    signature: str
    received_at: datetime | None = None
    bytes_received: int | None = None


class Asset(MuxObject):
    internal: ClassVar[frozenset[str]] = frozenset({"bytes_received"})

    id: str
    status: Literal["preparing", "ready", "errored"]
    playback_ids: list[PlaybackId]
    passthrough: str | None = None
    upload_id: str | None = None
    live_stream_id: str | None = None
    duration: float | None = None
    aspect_ratio: str | None = None
    max_stored_resolution: str | None = None
    errors: dict[str, Any] | None = None
    created_at: str
    bytes_received: int = 0


class LiveStream(MuxObject):
    id: str
    stream_key: str
    status: Literal["idle", "active", "disabled"]
    playback_ids: list[PlaybackId]
    passthrough: str | None = None
    new_asset_settings: dict[str, Any]
    active_asset_id: str | None = None
    recent_asset_ids: list[str] = Field(default_factory=list)
    reconnect_window: float = 60
    latency_mode: str = "standard"
    created_at: str


class Call(BaseModel):
    """One call to the Mux API (not to the upload URL or the sandbox's own controls)."""

    model_config = ConfigDict(frozen=True)

    method: str
    path: str
    status_code: int
    at: datetime


class FaultPlan(faults.FaultPlan):
    """How the next Mux API calls misbehave."""

    status: Literal[400, 429, 500, 502, 503] = Field(
        default=500, description="Status of the failing calls."
    )
    delay_seconds: float | None = Field(
        default=None,
        ge=0,
        le=300,
        description="Every API call that is not failed on purpose is acted on, then waits this "
        "long before it is answered, until the faults are cleared.",
    )


class Snapshot(BaseModel):
    """Everything the fake Mux holds, for the developer page and for tests."""

    uploads: list[dict[str, Any]]
    assets: list[dict[str, Any]]
    live_streams: list[dict[str, Any]]
    faults: FaultPlan
    calls: list[Call]


class MuxStore:
    """Thread-safe in-memory Mux account."""

    def __init__(self, upload_timeout_seconds: int) -> None:
        self._lock = threading.Lock()
        self._upload_timeout = upload_timeout_seconds
        self._uploads: dict[str, Upload] = {}
        self._assets: dict[str, Asset] = {}
        self._live_streams: dict[str, LiveStream] = {}
        self._calls: deque[Call] = deque(maxlen=MAX_CALLS)
        self._faults = faults.Faults(FaultPlan)
        self._generation = 0

    # --- bookkeeping ----------------------------------------------------------------------

    @property
    def generation(self) -> int:
        """Changes on every :meth:`clear`: a delayed call must not be recorded in the next test."""
        with self._lock:
            return self._generation

    def clear(self) -> None:
        with self._lock:
            self._uploads.clear()
            self._assets.clear()
            self._live_streams.clear()
            self._calls.clear()
            self._faults.clear()
            self._generation += 1

    def record_call(self, method: str, path: str, status_code: int, *, generation: int) -> None:
        """Remember a call unless the store was cleared since it started."""
        with self._lock:
            if generation != self._generation:
                return
            self._calls.append(
                Call(method=method, path=path, status_code=status_code, at=datetime.now(UTC))
            )

    def snapshot(self) -> Snapshot:
        with self._lock:
            self._expire_uploads()
            return Snapshot(
                uploads=[_full_view(upload) for upload in self._uploads.values()],
                assets=[_full_view(asset) for asset in self._assets.values()],
                live_streams=[stream.api_view() for stream in self._live_streams.values()],
                faults=self._faults.plan,
                calls=list(self._calls),
            )

    @property
    def faults(self) -> FaultPlan:
        return self._faults.plan

    def set_faults(self, plan: FaultPlan) -> None:
        self._faults.set(plan)

    def take_failure(self) -> FaultPlan | None:
        """Use up one planned failure: the plan to answer with, or None if this call succeeds."""
        return self._faults.take_failure()

    # --- uploads --------------------------------------------------------------------------

    def create_upload(
        self,
        *,
        url_for: Any,
        cors_origin: str | None,
        new_asset_settings: dict[str, Any],
        test: bool,
    ) -> Upload:
        """A waiting upload whose URL (built by ``url_for(id, signature)``) accepts one PUT."""
        upload_id, signature = new_id(), secrets.token_urlsafe(24)
        upload = Upload(
            id=upload_id,
            url=url_for(upload_id, signature),
            status="waiting",
            timeout=self._upload_timeout,
            cors_origin=cors_origin,
            new_asset_settings=new_asset_settings,
            test=test,
            created_at=unix_seconds(datetime.now(UTC)),
            signature=signature,
        )
        with self._lock:
            self._uploads[upload_id] = upload
        return upload

    def get_upload(self, upload_id: str) -> Upload:
        with self._lock:
            self._expire_uploads()
            upload = self._uploads.get(upload_id)
        if upload is None:
            raise not_found("upload")
        return upload

    def cancel_upload(self, upload_id: str) -> Upload:
        """Only a waiting upload can be cancelled, as at Mux."""
        with self._lock:
            self._expire_uploads()
            upload = self._uploads.get(upload_id)
            if upload is None:
                raise not_found("upload")
            if upload.status != "waiting":
                raise MuxApiError(
                    400,
                    "invalid_parameters",
                    f"Only uploads in the waiting state can be cancelled (this one is "
                    f"{upload.status}).",
                )
            cancelled = upload.model_copy(update={"status": "cancelled"})
            self._uploads[upload_id] = cancelled
            return cancelled

    def upload_for_file(self, upload_id: str, signature: str) -> Upload | None:
        """The upload a file PUT is for, if the URL's signature is right (else None)."""
        with self._lock:
            self._expire_uploads()
            upload = self._uploads.get(upload_id)
        if upload is None or not secrets.compare_digest(upload.signature, signature):
            return None
        return upload

    def receive_file(self, upload_id: str, byte_count: int) -> Asset:
        """The file arrived: the upload becomes ``asset_created`` and a ``preparing`` asset (or an
        ``errored`` one for an empty file) with the upload's settings appears."""
        with self._lock:
            upload = self._uploads.get(upload_id)
            if upload is None:
                raise not_found("upload")
            if upload.status != "waiting":
                raise MuxApiError(
                    400, "invalid_parameters", f"This upload is {upload.status}; it takes no file."
                )
            settings = upload.new_asset_settings
            empty = byte_count == 0
            asset = Asset(
                id=new_id(),
                status="errored" if empty else "preparing",
                playback_ids=playback_ids(settings.get("playback_policies", [])),
                passthrough=settings.get("passthrough"),
                upload_id=upload_id,
                errors=(
                    {"type": "invalid_input", "messages": ["The file contains no data."]}
                    if empty
                    else None
                ),
                created_at=unix_seconds(datetime.now(UTC)),
                bytes_received=byte_count,
            )
            self._assets[asset.id] = asset
            self._uploads[upload_id] = upload.model_copy(
                update={
                    "status": "asset_created",
                    "asset_id": asset.id,
                    "received_at": datetime.now(UTC),
                    "bytes_received": byte_count,
                }
            )
            return asset

    def _expire_uploads(self) -> None:
        """Waiting uploads older than their timeout become ``timed_out`` (caller holds the lock)."""
        now = datetime.now(UTC)
        for upload_id, upload in self._uploads.items():
            created = datetime.fromtimestamp(int(upload.created_at), UTC)
            if upload.status == "waiting" and now > created + timedelta(seconds=upload.timeout):
                self._uploads[upload_id] = upload.model_copy(update={"status": "timed_out"})

    # --- assets ---------------------------------------------------------------------------

    def get_asset(self, asset_id: str) -> Asset:
        with self._lock:
            asset = self._assets.get(asset_id)
        if asset is None:
            raise not_found("asset")
        return asset

    def finish_asset(self, asset_id: str, changes: dict[str, Any]) -> Asset:
        """Sandbox control: what Mux does when encoding ends (ready) or fails (errored)."""
        with self._lock:
            asset = self._assets.get(asset_id)
            if asset is None:
                raise not_found("asset")
            finished = asset.model_copy(update=changes)
            self._assets[asset_id] = finished
            return finished

    # --- live streams ---------------------------------------------------------------------

    def create_live_stream(
        self,
        *,
        policies: list[str],
        passthrough: str | None,
        new_asset_settings: dict[str, Any],
    ) -> LiveStream:
        stream = LiveStream(
            id=new_id(),
            stream_key=str(uuid.uuid4()),
            status="idle",
            playback_ids=playback_ids(policies),
            passthrough=passthrough,
            new_asset_settings=new_asset_settings,
            created_at=unix_seconds(datetime.now(UTC)),
        )
        with self._lock:
            self._live_streams[stream.id] = stream
        return stream

    def get_live_stream(self, live_stream_id: str) -> LiveStream:
        with self._lock:
            stream = self._live_streams.get(live_stream_id)
        if stream is None:
            raise not_found("live stream")
        return stream

    def disable_live_stream(self, live_stream_id: str) -> LiveStream:
        """Disabling twice is fine (Mux answers the same)."""
        with self._lock:
            stream = self._live_streams.get(live_stream_id)
            if stream is None:
                raise not_found("live stream")
            disabled = stream.model_copy(update={"status": "disabled", "active_asset_id": None})
            self._live_streams[live_stream_id] = disabled
            return disabled

    def live_step(
        self, live_stream_id: str, step: LiveStep, *, duration: float = 60.0
    ) -> tuple[LiveStream, Asset]:
        """Sandbox control: the streamer's software moves the stream one step of a broadcast.

        As at Mux: ``connected`` starts a broadcast with a new recording asset (``preparing``,
        the stream's ``new_asset_settings``) unless one is running (a reconnect); ``active`` makes
        the stream playable and the recording ``ready``; ``idle`` ends the broadcast (the
        recording gets its final duration and joins ``recent_asset_ids``). Returns the stream and
        the broadcast's recording.
        """
        with self._lock:
            stream = self._live_streams.get(live_stream_id)
            if stream is None:
                raise not_found("live stream")
            if stream.status == "disabled":
                raise MuxApiError(400, "invalid_parameters", "This live stream is disabled.")
            if stream.active_asset_id is not None:
                recording = self._assets[stream.active_asset_id]
            elif step == "connected":
                recording = self._new_recording(stream)
                stream = stream.model_copy(update={"active_asset_id": recording.id})
            else:
                raise MuxApiError(400, "invalid_parameters", "No broadcast: connect first.")
            if step == "active":
                stream = stream.model_copy(update={"status": "active"})
                recording = recording.model_copy(update={"status": "ready"})
            elif step == "idle":
                stream = stream.model_copy(
                    update={
                        "status": "idle",
                        "active_asset_id": None,
                        "recent_asset_ids": [*stream.recent_asset_ids, recording.id],
                    }
                )
                recording = recording.model_copy(
                    update={"status": "ready", "duration": duration, "aspect_ratio": "16:9"}
                )
            self._live_streams[stream.id] = stream
            self._assets[recording.id] = recording
            return stream, recording

    def _new_recording(self, stream: LiveStream) -> Asset:
        """The asset recording a new broadcast (caller holds the lock)."""
        settings = stream.new_asset_settings
        recording = Asset(
            id=new_id(),
            status="preparing",
            playback_ids=playback_ids(settings.get("playback_policies", [])),
            passthrough=settings.get("passthrough"),
            live_stream_id=stream.id,
            created_at=unix_seconds(datetime.now(UTC)),
        )
        self._assets[recording.id] = recording
        return recording


def _full_view(item: Upload | Asset) -> dict[str, Any]:
    """The API view plus what the sandbox saw (bytes received), for the developer page."""
    view = item.api_view()
    view["sandbox"] = item.model_dump(
        mode="json", include=set(item.internal) - {"signature"}, exclude_none=False
    )
    return view
