"""How media appears in API responses, and the requests that create uploads."""

from __future__ import annotations

import uuid

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from pickey_core.media_failures import FailureCode, texts
from pickey_core.models import LiveState, LiveStream, MediaKind, MediaStatus
from pickey_core.providers.mux import LIVE_INGEST_URL, LIVE_INGEST_URL_RTMPS

IMAGE_CONTENT_TYPES = ("image/jpeg", "image/png", "image/webp", "image/heic", "image/gif")


class VideoPlayback(BaseModel):
    """What a player needs for one Mux playback id.

    ``signed`` playback ids come with short-lived tokens (one per kind of resource, as Mux
    requires) and URLs that already carry them; ``public`` ones need no token.
    """

    playback_id: str
    policy: str = Field(description="`public` or `signed`.")
    stream_url: str = Field(description="HLS manifest (token included when signed).")
    thumbnail_url: str = Field(description="JPEG still (its own token when signed).")
    storyboard_url: str = Field(description="WebVTT storyboard for seek previews.")
    video_token: str | None = None
    thumbnail_token: str | None = None
    storyboard_token: str | None = None
    expires_at: AwareDatetime | None = Field(
        default=None, description="When the tokens stop working; null for public playback."
    )


class MediaRead(BaseModel):
    """One image or video of a post, as this viewer may see it.

    Entitled viewers get short-lived URLs of every variant and, for a video, its playback;
    others get only the ``teaser`` variant (small, heavily blurred) when one exists, and never
    a playback id.
    """

    id: uuid.UUID
    kind: MediaKind
    status: MediaStatus
    position: int
    width: int | None = None
    height: int | None = None
    urls: dict[str, str] = Field(
        default_factory=dict, description="Variant name → short-lived URL."
    )
    duration_seconds: float | None = Field(default=None, description="Videos, entitled viewers.")
    aspect_ratio: str | None = Field(default=None, description="Videos, e.g. `16:9`.")
    playback: VideoPlayback | None = Field(
        default=None, description="Videos, entitled viewers only."
    )


class MediaFailureRead(BaseModel):
    """Why an upload failed, in our words: a code and its sentence in each language we speak
    (the provider's own message stays with us, for support)."""

    code: str = Field(description="e.g. unreadable_file, file_too_large, upload_expired.")
    text: dict[str, str] = Field(description="The sentence by language: cs, en.")

    @classmethod
    def of(cls, code: str | None) -> MediaFailureRead:
        return cls(code=code or FailureCode.PROCESSING_FAILED.value, text=texts(code))


class MediaAssetRead(BaseModel):
    """An upload as its owner sees it: where processing is and why it failed, if it did."""

    id: uuid.UUID
    kind: MediaKind
    status: MediaStatus = Field(
        description="waiting (nothing received yet), uploaded, processing, ready or failed."
    )
    failure: MediaFailureRead | None = Field(description="Failed uploads: why, in our words.")
    failure_reason: str | None = Field(
        description="Deprecated (use failure): failure.text.en, never the provider's message."
    )
    post_id: uuid.UUID | None
    position: int
    content_type: str | None
    byte_size: int | None
    width: int | None
    height: int | None
    duration_seconds: float | None
    aspect_ratio: str | None
    urls: dict[str, str] = Field(
        default_factory=dict, description="Ready images: variant name → short-lived URL."
    )
    created_at: AwareDatetime
    updated_at: AwareDatetime


class ImageUploadCreate(BaseModel):
    """An image the browser is about to upload: its exact type and size in bytes."""

    model_config = ConfigDict(extra="forbid")

    content_type: str = Field(
        max_length=100,
        description="One of " + ", ".join(IMAGE_CONTENT_TYPES) + ".",
        examples=["image/jpeg"],
    )
    byte_size: int = Field(ge=1, description="The file's exact size in bytes.")


class PresignedUploadRead(BaseModel):
    """A multipart form for S3: post every field, then the file as the last part, ``file``.

    The form works only for this asset's key, the declared content type, at most the declared
    size, and until ``expires_at``.
    """

    url: str
    fields: dict[str, str]
    expires_at: AwareDatetime


class ImageUploadRead(BaseModel):
    asset: MediaAssetRead
    upload: PresignedUploadRead


class VideoUploadRead(BaseModel):
    """A Mux direct upload: the browser PUTs the video file to ``upload_url``.

    Mux tells the media service when the video is ready; the post appears in feeds then.
    """

    asset: MediaAssetRead
    upload_url: str
    upload_timeout_seconds: int | None = Field(
        description="The URL stops accepting a file this long after it was made."
    )
    playback_policy: str = Field(description="`public` for public posts, `signed` otherwise.")


class LiveStreamRead(BaseModel):
    """A live post's stream, for its creator only: the stream key lets anyone broadcast."""

    post_id: uuid.UUID
    state: LiveState
    scheduled_start_at: AwareDatetime | None
    ingest_url: str = Field(description="RTMP server for the broadcasting software.")
    ingest_url_rtmps: str = Field(description="The same over TLS, where the software allows.")
    stream_key: str = Field(description="Secret: whoever has it can broadcast on this post.")
    playback_id: str | None
    playback_policy: str | None

    @classmethod
    def from_stream(cls, stream: LiveStream) -> LiveStreamRead:
        assert stream.mux_stream_key is not None
        return cls(
            post_id=stream.post_id,
            state=stream.state,
            scheduled_start_at=stream.scheduled_start_at,
            ingest_url=LIVE_INGEST_URL,
            ingest_url_rtmps=LIVE_INGEST_URL_RTMPS,
            stream_key=stream.mux_stream_key,
            playback_id=stream.playback_id,
            playback_policy=stream.playback_policy,
        )
