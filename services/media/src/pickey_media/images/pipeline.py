"""Turn an uploaded original into the variants browsers get: pure functions on bytes.

Order of work, each step chosen so hostile or huge files cost little:

1. The byte limit, then the real type from the first bytes (never the claimed content type).
2. The header alone (Pillow's ``open`` reads no pixel data): the declared size is checked
   against the pixel limit before anything is decoded, so a decompression bomb is refused cheaply.
3. JPEGs are decoded at reduced size (``draft``: the decoder scales by 1/2, 1/4 or 1/8 while it
   decodes) just large enough for the widest variant; other formats are decoded in full.
4. Orientation from EXIF is applied to the pixels, colours are converted to sRGB, and every
   piece of metadata (EXIF with GPS, ICC, XMP, comments) is left behind: outputs are written
   from bare pixels.
5. Variants are made widest first, each from the previous one (the smallest sufficient
   intermediate), never upscaled; a teaser is a few pixels of colour blurred past recognition.
6. Encoding (most of the time left after a reduced decode: libwebp and libjpeg on the same
   pixels) runs on ``ImageLimits.encode_threads`` threads while the next size is resized; the
   encoders release the GIL, so on several cores a photo is ready sooner for the same CPU.

Why Pillow and not pyvips (issue 5, decided by ``just bench media``, which runs this pipeline
beside ``tests/bench/vips_pipeline.py``, the same outputs made with libvips'
shrink-on-load): on 12 and 24 MP camera JPEGs pyvips was no faster (0.85-1.03x our megapixels
per second, 4-11 % more CPU in every run) and peaked higher (1.4-1.9x our memory over base), because
``draft`` already has the decoder scale, and most of the rest is the same libwebp encode.
Pillow stays. Where libvips would help is PNG and WebP originals, which this pipeline decodes in
full (see the benchmark's docstring).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageFilter, ImageOps

from pickey_core.media_failures import FailureCode
from pickey_media.settings import ImageLimits

# Size buckets the SPA asks for (``320w.webp``, ``320w.jpg``, ...). A bucket wider than the
# original holds the original's width instead, and buckets beyond it are not made.
VARIANT_WIDTHS = (320, 960, 1920)
TEASER_VARIANT = "teaser"
# The teaser keeps this many pixels across before blurring: colours, no shapes.
TEASER_SOURCE_WIDTH = 10
TEASER_WIDTH = 160
WEBP_QUALITY = 80
JPEG_QUALITY = 82
TEASER_QUALITY = 60

_ORIENTATION_TAG = 0x0112
_SWAPS_AXES = {5, 6, 7, 8}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


class ImageRejected(Exception):
    """The file cannot become variants: ``code`` is the reason the creator reads (in their
    language, :mod:`pickey_core.media_failures`), ``reason`` the detail kept for support."""

    def __init__(self, reason: str, code: FailureCode) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


@dataclass(frozen=True)
class EncodedVariant:
    name: str
    data: bytes
    width: int
    height: int
    content_type: str


@dataclass(frozen=True)
class ProcessedImage:
    """The original's real type and upright size (not the reduced decode's), and the variants."""

    format: str
    content_type: str
    width: int
    height: int
    variants: tuple[EncodedVariant, ...]


_CONTENT_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}


def sniff(data: bytes) -> str | None:
    """The Pillow format name of a supported image, from its signature; None for anything else."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "GIF"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def process(
    data: bytes,
    limits: ImageLimits,
    *,
    teaser: bool,
    widths: Sequence[int] = VARIANT_WIDTHS,
) -> ProcessedImage:
    """Verify, decode, normalise and encode ``data``; :class:`ImageRejected` says why not."""
    fmt = _check_type_and_size(data, limits)
    try:
        with Image.open(io.BytesIO(data), formats=[fmt]) as original:
            width, height = _upright_size(original)
            upright = _decode_upright(original, fmt, limits, max(widths))
    except ImageRejected:
        raise
    except Image.DecompressionBombError as error:
        raise _too_many_pixels() from error
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, MemoryError) as error:
        raise ImageRejected(
            "The image is damaged or incomplete and cannot be read. Please upload it again.",
            FailureCode.UNREADABLE_FILE,
        ) from error
    with ThreadPoolExecutor(limits.encode_threads, thread_name_prefix="image-encode") as pool:
        pending = _variants(upright, widths, pool.submit)
        if teaser:
            pending.append(pool.submit(_teaser, upright))
        variants = [future.result() for future in pending]
    return ProcessedImage(
        format=fmt,
        content_type=_CONTENT_TYPES[fmt],
        width=width,
        height=height,
        variants=tuple(variants),
    )


def _check_type_and_size(data: bytes, limits: ImageLimits) -> str:
    if not data:
        raise ImageRejected("The file is empty.", FailureCode.EMPTY_FILE)
    if len(data) > limits.max_bytes:
        mib = limits.max_bytes / (1024 * 1024)
        raise ImageRejected(f"The file is larger than {mib:.0f} MB.", FailureCode.FILE_TOO_LARGE)
    fmt = sniff(data)
    if fmt is None:
        raise ImageRejected(
            "The file is not a supported image. Please upload a JPEG, PNG, WebP or GIF.",
            FailureCode.UNSUPPORTED_FILE,
        )
    return fmt


def _too_many_pixels() -> ImageRejected:
    return ImageRejected(
        "The image has too many pixels. Please upload a smaller picture.",
        FailureCode.TOO_MANY_PIXELS,
    )


def _upright_size(image: Image.Image) -> tuple[int, int]:
    """The original's size as it is shown (EXIF orientation applied), before any reduction."""
    width, height = image.size
    return (height, width) if _orientation(image) in _SWAPS_AXES else (width, height)


def _decode_upright(
    original: Image.Image, fmt: str, limits: ImageLimits, widest: int
) -> Image.Image:
    """The first frame, decoded as small as the widest variant allows, upright, sRGB, bare."""
    width, height = original.size
    if width < 1 or height < 1 or width * height > limits.max_pixels:
        raise _too_many_pixels()
    orientation = _orientation(original)
    if fmt == "JPEG":
        _draft(original, orientation, widest)
    decoded_width, decoded_height = original.size
    if decoded_width * decoded_height > limits.max_decoded_pixels:
        raise _too_many_pixels()
    original.load()
    image = _to_srgb(original)
    image = _orient(image, orientation)
    # Bare pixels from here on: nothing of the original's metadata can reach an output.
    image.info = {}
    return image


def _orientation(image: Image.Image) -> int:
    try:
        value = image.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # A broken EXIF block only loses its orientation, not the photo.
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def _draft(image: Image.Image, orientation: int, widest: int) -> None:
    """Ask the JPEG decoder to scale while decoding, keeping at least ``widest`` upright pixels
    across (the decoder never goes below the requested size)."""
    width, height = image.size
    upright_width = height if orientation in _SWAPS_AXES else width
    if upright_width <= widest:
        return
    scale = widest / upright_width
    image.draft(None, (max(1, round(width * scale)), max(1, round(height * scale))))


def _to_srgb(image: Image.Image) -> Image.Image:
    """RGB (or RGBA when the image has transparency) in sRGB, converting through the embedded
    colour profile when there is one (a Display P3 phone photo, a CMYK print file)."""
    alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    target = "RGBA" if alpha else "RGB"
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            converted = ImageCms.profileToProfile(
                image, source, _SRGB, outputMode=target if image.mode != "L" else "RGB"
            )
        except (ImageCms.PyCMSError, OSError, ValueError):
            converted = None  # A broken profile: treat the pixels as sRGB.
        if converted is not None:
            return converted if converted.mode == target else converted.convert(target)
    if image.mode == target:
        return image
    return image.convert(target)


def _orient(image: Image.Image, orientation: int) -> Image.Image:
    method = {
        2: Image.Transpose.FLIP_LEFT_RIGHT,
        3: Image.Transpose.ROTATE_180,
        4: Image.Transpose.FLIP_TOP_BOTTOM,
        5: Image.Transpose.TRANSPOSE,
        6: Image.Transpose.ROTATE_270,
        7: Image.Transpose.TRANSVERSE,
        8: Image.Transpose.ROTATE_90,
    }.get(orientation)
    return image if method is None else image.transpose(method)


Submit = Callable[..., "Future[EncodedVariant]"]


def _variants(
    image: Image.Image, widths: Sequence[int], submit: Submit
) -> list[Future[EncodedVariant]]:
    """WebP and JPEG per size bucket, widest first, each resized from the previous one; the
    encodes are handed to ``submit`` (a thread pool) as soon as their size exists."""
    buckets: list[tuple[int, int]] = []  # (bucket, actual width)
    for bucket in sorted(widths):
        buckets.append((bucket, min(bucket, image.width)))
        if bucket >= image.width:
            break
    encoded: list[Future[EncodedVariant]] = []
    source = image
    for bucket, width in reversed(buckets):
        if width != source.width:
            height = max(1, round(source.height * width / source.width))
            source = source.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        encoded.append(submit(_encode, f"{bucket}w.webp", source, "WEBP"))
        encoded.append(submit(_encode, f"{bucket}w.jpg", source, "JPEG"))
    return encoded


def _teaser(image: Image.Image) -> EncodedVariant:
    """A few pixels of colour, blurred and scaled up: the shape of nothing in the photo."""
    height = max(1, round(image.height * TEASER_SOURCE_WIDTH / image.width))
    tiny = ImageOps.contain(image, (TEASER_SOURCE_WIDTH, height), Image.Resampling.BOX)
    teaser_height = max(1, round(TEASER_WIDTH * tiny.height / tiny.width))
    blurred = tiny.resize((TEASER_WIDTH, teaser_height), Image.Resampling.BICUBIC).filter(
        ImageFilter.GaussianBlur(TEASER_WIDTH / 5)
    )
    return _encode(TEASER_VARIANT, blurred, "JPEG", quality=TEASER_QUALITY)


def _encode(
    name: str, image: Image.Image, fmt: str, *, quality: int | None = None
) -> EncodedVariant:
    # Its own copy: ``Image.save`` keeps its options on the image object (``encoderinfo``), so
    # two encodes of one image on two threads would swap quality settings.
    image = image.copy()
    buffer = io.BytesIO()
    if fmt == "JPEG":
        rgb = _flatten(image)
        rgb.save(buffer, "JPEG", quality=quality or JPEG_QUALITY, optimize=True, progressive=True)
        content_type = "image/jpeg"
    else:
        image.save(buffer, "WEBP", quality=quality or WEBP_QUALITY, method=4)
        content_type = "image/webp"
    return EncodedVariant(name, buffer.getvalue(), image.width, image.height, content_type)


def _flatten(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: transparent areas become white, as a browser shows them."""
    if image.mode != "RGBA":
        return image
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background
