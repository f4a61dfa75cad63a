"""The pyvips contender of ``just bench media``: the variants of :mod:`pipeline`, made by libvips.

Not used by the worker. It exists so the choice of image library is measured, not argued: it
makes the same outputs as :func:`pickey_media.images.pipeline.process` (the same size buckets,
never upscaled, upright, sRGB, bare of metadata, WebP and JPEG with the same encoder settings,
and a teaser made the same way), so the benchmark compares libraries and not work done. The
checks that come before decoding (byte and pixel limits, the real type) are left out: they
read headers only and cost the same with either library.

``thumbnail_buffer`` shrinks while loading (a JPEG is decoded at 1/2, 1/4 or 1/8 size, as
Pillow's ``draft`` does) and applies the EXIF orientation. An embedded colour profile is
converted after the shrink, only when there is one: asking ``thumbnail`` for an output profile
converts even untagged photos and, measured, costs more than the rest of the decode.

Were it ever to serve uploads, it would also need those header checks, its loaders limited to
the four accepted types (``operation_block_set``) and the operation cache off, as the
benchmark sets it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any

import pyvips

from pickey_media.images.pipeline import (
    JPEG_QUALITY,
    TEASER_QUALITY,
    TEASER_SOURCE_WIDTH,
    TEASER_VARIANT,
    TEASER_WIDTH,
    VARIANT_WIDTHS,
    WEBP_QUALITY,
    EncodedVariant,
)

# ``thumbnail`` fits the image in width x height; a height no photo reaches leaves only the
# width to decide, as the Pillow pipeline does.
_ANY_HEIGHT = 10_000_000
_KEEP_NO_METADATA = 0  # ForeignKeep.NONE: no EXIF, XMP, IPTC, ICC or comments in any output
_WHITE = [255, 255, 255]


def process_with_vips(
    data: bytes, *, teaser: bool, widths: Sequence[int] = VARIANT_WIDTHS
) -> list[EncodedVariant]:
    """Variants of ``data`` widest first, then the teaser; pyvips errors propagate as they are."""
    upright = pyvips.Image.thumbnail_buffer(data, max(widths), height=_ANY_HEIGHT, size="down")
    # Pixels in memory, once: every variant is made from here without decoding again.
    upright = _to_srgb(upright).copy_memory()
    buckets: list[tuple[int, int]] = []  # (bucket, actual width)
    for bucket in sorted(widths):
        buckets.append((bucket, min(bucket, upright.width)))
        if bucket >= upright.width:
            break
    variants: list[EncodedVariant] = []
    source = upright
    for bucket, width in reversed(buckets):
        if width != source.width:
            source = source.thumbnail_image(width, height=_ANY_HEIGHT, size="down").copy_memory()
        variants.append(_encode(f"{bucket}w.webp", source, "webp"))
        variants.append(_encode(f"{bucket}w.jpg", source, "jpeg"))
    if teaser:
        variants.append(_teaser(upright))
    return variants


def _to_srgb(image: Any) -> Any:
    """8-bit sRGB (with its alpha, if any), through the embedded profile when there is one."""
    if image.get_typeof("icc-profile-data"):
        # A broken profile: the pixels are taken as sRGB, as the Pillow pipeline does.
        with contextlib.suppress(pyvips.Error):
            image = image.icc_transform("srgb")
    if image.interpretation != "srgb" or image.format != "uchar":
        image = image.colourspace("srgb")
    return image


def _teaser(image: Any) -> EncodedVariant:
    """A few pixels of colour, scaled up and blurred, like the Pillow pipeline's teaser."""
    tiny = image.thumbnail_image(TEASER_SOURCE_WIDTH, height=_ANY_HEIGHT)
    blurred = tiny.resize(TEASER_WIDTH / tiny.width, kernel="cubic").gaussblur(TEASER_WIDTH / 5)
    return _encode(TEASER_VARIANT, blurred, "jpeg", quality=TEASER_QUALITY)


def _encode(name: str, image: Any, fmt: str, *, quality: int | None = None) -> EncodedVariant:
    if fmt == "jpeg":
        # JPEG has no transparency: transparent areas become white, as a browser shows them.
        rgb = image.flatten(background=_WHITE) if image.hasalpha() else image
        data = rgb.jpegsave_buffer(
            Q=quality or JPEG_QUALITY,
            optimize_coding=True,
            interlace=True,
            keep=_KEEP_NO_METADATA,
        )
        content_type = "image/jpeg"
    else:
        data = image.webpsave_buffer(Q=quality or WEBP_QUALITY, effort=4, keep=_KEEP_NO_METADATA)
        content_type = "image/webp"
    return EncodedVariant(name, data, image.width, image.height, content_type)
