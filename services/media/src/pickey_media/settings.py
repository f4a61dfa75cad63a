"""Settings of the media service (``PICKEY_...``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from pickey_core.providers.mux_webhooks import MuxWebhookConfig
from pickey_core.settings import PickeySettings, StorageConfig


class ImageLimits(BaseModel):
    """What the image job accepts (``PICKEY_IMAGES__...``): anything larger is refused before it
    is decoded, so a hostile upload cannot exhaust the worker's memory."""

    model_config = ConfigDict(frozen=True)

    max_bytes: int = Field(
        default=26_214_400,
        ge=1,
        description="Largest original the job reads, in bytes (the api's upload limit).",
    )
    max_pixels: int = Field(
        default=80_000_000,
        ge=1,
        description="Largest width x height an image header may declare (decompression bombs).",
    )
    max_decoded_pixels: int = Field(
        default=50_000_000,
        ge=1,
        description="Largest width x height actually decoded; JPEGs are decoded at reduced size, "
        "so they may declare more than this up to max_pixels.",
    )
    concurrency: int = Field(
        default=2,
        ge=1,
        description="Images one worker process decodes at the same time (bounds its memory).",
    )
    encode_threads: int = Field(
        default=2,
        ge=1,
        description="Variants of one image encoded at the same time (Pillow's JPEG and WebP "
        "encoders release the GIL): a photo is ready sooner on several cores; 1 encodes them one "
        "after the other.",
    )


class MediaSettings(PickeySettings):
    service_name: str = "media"
    port: int = Field(default=8002, ge=1, le=65535)
    storage: StorageConfig = Field(
        default=StorageConfig(),
        description="Where originals are read and variants written (PICKEY_STORAGE__...).",
    )
    images: ImageLimits = Field(default=ImageLimits(), description="Limits of image processing.")
    mux_webhook: MuxWebhookConfig = Field(
        default=MuxWebhookConfig(),
        description="Mux webhook signing secrets and tolerance (PICKEY_MUX_WEBHOOK__SECRETS, "
        "__TOLERANCE_SECONDS).",
    )
