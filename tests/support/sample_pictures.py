"""Pictures made to order for the image pipeline's tests (quadrants of known colours, a camera
JPEG with EXIF orientation and GPS, a PNG declaring another size) and how to read colours back."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

from PIL import Image

RED, GREEN, BLUE, YELLOW = (220, 30, 30), (30, 200, 30), (30, 30, 220), (230, 220, 20)


# Inverse of the transform each EXIF orientation asks a viewer to apply: storing the upright
# picture through it gives the pixels a camera writes with that tag.
STORED_AS = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}
GPS_IFD = 0x8825


def quadrants(width: int = 640, height: int = 480) -> Image.Image:
    """An upright picture whose four quadrants have different colours."""
    image = Image.new("RGB", (width, height), RED)
    image.paste(GREEN, (width // 2, 0, width, height // 2))
    image.paste(BLUE, (0, height // 2, width // 2, height))
    image.paste(YELLOW, (width // 2, height // 2, width, height))
    return image


def camera_jpeg(image: Image.Image, orientation: int = 1) -> bytes:
    """A JPEG as a phone writes it: rotated pixels, an orientation tag, GPS and a comment."""
    method = STORED_AS[orientation]
    stored = image if method is None else image.transpose(method)
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (50.0, 5.0, 17.0), 3: "E", 4: (14.0, 25.0, 14.0)})
    return encode(stored, "JPEG", quality=95, exif=exif.tobytes(), comment=b"secret note")


def colour_at(image: Image.Image, fx: float, fy: float) -> tuple[int, ...]:
    pixel = image.convert("RGB").getpixel((int(image.width * fx), int(image.height * fy)))
    assert isinstance(pixel, tuple)
    return pixel


def close(actual: tuple[int, ...], expected: tuple[int, int, int]) -> bool:
    return all(abs(a - e) <= 40 for a, e in zip(actual, expected, strict=True))


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` (a decompression bomb's shape)."""
    real = encode(Image.new("RGB", (1, 1)), "PNG")
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    patched = struct.pack(">I", len(ihdr)) + chunk + struct.pack(">I", zlib.crc32(chunk))
    return real[:8] + patched + real[8 + 25 :]


def encode(image: Image.Image, fmt: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()
