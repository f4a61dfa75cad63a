"""The image pipeline on bytes: real types, hostile files, orientation, metadata, sizes."""

from __future__ import annotations

import io
import os
import struct

import pytest
from PIL import Image, ImageCms

from pickey_media.images.pipeline import ImageRejected, ProcessedImage, process
from pickey_media.settings import ImageLimits
from tests.support.sample_pictures import (
    BLUE,
    GREEN,
    RED,
    YELLOW,
    camera_jpeg,
    close,
    colour_at,
    encode,
    png_declaring,
    quadrants,
)

LIMITS = ImageLimits()


def variant_image(result: ProcessedImage, name: str) -> Image.Image:
    [variant] = [v for v in result.variants if v.name == name]
    return Image.open(io.BytesIO(variant.data))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_comes_out_upright(orientation: int) -> None:
    result = process(camera_jpeg(quadrants(), orientation), LIMITS, teaser=False)

    assert (result.width, result.height) == (640, 480)
    for name in ("320w.jpg", "320w.webp", "960w.jpg", "960w.webp"):
        image = variant_image(result, name)
        assert image.width > image.height
        assert close(colour_at(image, 0.25, 0.25), RED)
        assert close(colour_at(image, 0.75, 0.25), GREEN)
        assert close(colour_at(image, 0.25, 0.75), BLUE)
        assert close(colour_at(image, 0.75, 0.75), YELLOW)


def test_no_output_carries_exif_gps_icc_or_comments() -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    original = camera_jpeg(quadrants(2400, 1600), 6)
    with_icc = encode(
        Image.open(io.BytesIO(original)),
        "JPEG",
        exif=Image.open(io.BytesIO(original)).getexif().tobytes(),
        icc_profile=icc,
        comment=b"secret note",
    )
    assert b"Exif" in with_icc
    assert b"secret note" in with_icc

    result = process(with_icc, LIMITS, teaser=True)

    assert {v.name for v in result.variants} == {
        "320w.webp",
        "320w.jpg",
        "960w.webp",
        "960w.jpg",
        "1920w.webp",
        "1920w.jpg",
        "teaser",
    }
    for variant in result.variants:
        assert b"Exif" not in variant.data
        assert b"secret note" not in variant.data
        assert b"PhoneMaker" not in variant.data
        image = Image.open(io.BytesIO(variant.data))
        assert len(image.getexif()) == 0
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(image.info)


def test_variants_are_never_upscaled() -> None:
    result = process(encode(quadrants(200, 100), "PNG"), LIMITS, teaser=False)

    assert [(v.name, v.width, v.height) for v in result.variants] == [
        ("320w.webp", 200, 100),
        ("320w.jpg", 200, 100),
    ]


def test_a_middle_size_stops_at_the_first_bucket_it_fills() -> None:
    result = process(encode(quadrants(1200, 900), "JPEG"), LIMITS, teaser=False)

    widths = {v.name: v.width for v in result.variants}
    assert widths == {
        "1920w.webp": 1200,
        "1920w.jpg": 1200,
        "960w.webp": 960,
        "960w.jpg": 960,
        "320w.webp": 320,
        "320w.jpg": 320,
    }


def test_a_large_jpeg_is_decoded_reduced_but_keeps_its_real_size() -> None:
    result = process(encode(quadrants(4000, 3000), "JPEG"), LIMITS, teaser=False)

    assert (result.width, result.height) == (4000, 3000)
    widths = sorted({v.width for v in result.variants})
    assert widths == [320, 960, 1920]


@pytest.mark.parametrize(
    ("fmt", "content_type", "options"),
    [
        ("JPEG", "image/jpeg", {}),
        ("PNG", "image/png", {}),
        ("WEBP", "image/webp", {"lossless": True}),
        ("GIF", "image/gif", {}),
    ],
)
def test_each_supported_type_is_recognised_from_its_bytes(
    fmt: str, content_type: str, options: dict[str, object]
) -> None:
    result = process(encode(quadrants(), fmt, **options), LIMITS, teaser=False)

    assert (result.format, result.content_type) == (fmt, content_type)
    assert close(colour_at(variant_image(result, "320w.webp"), 0.75, 0.75), YELLOW)


def test_a_gif_gives_its_first_frame() -> None:
    frames = [Image.new("RGB", (300, 200), RED), Image.new("RGB", (300, 200), BLUE)]
    animated = encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100)

    result = process(animated, LIMITS, teaser=False)

    assert close(colour_at(variant_image(result, "320w.jpg"), 0.5, 0.5), RED)


def test_transparency_is_kept_in_webp_and_white_in_jpeg() -> None:
    image = Image.new("RGBA", (100, 100), (0, 0, 0, 0))

    result = process(encode(image, "PNG"), LIMITS, teaser=False)

    assert variant_image(result, "320w.webp").convert("RGBA").getpixel((50, 50))[3] == 0  # type: ignore[index]
    assert close(colour_at(variant_image(result, "320w.jpg"), 0.5, 0.5), (255, 255, 255))


def test_a_cmyk_jpeg_becomes_rgb() -> None:
    result = process(encode(quadrants().convert("CMYK"), "JPEG"), LIMITS, teaser=False)

    image = variant_image(result, "320w.jpg")
    assert image.mode == "RGB"
    assert close(colour_at(image, 0.25, 0.25), RED)


def test_the_teaser_is_tiny_and_reveals_no_detail() -> None:
    checkerboard = Image.new("L", (8, 8))
    checkerboard.putdata([255 * ((x + y) % 2) for y in range(8) for x in range(8)])
    detailed = checkerboard.resize((1600, 1600), Image.Resampling.NEAREST).convert("RGB")

    result = process(encode(detailed, "PNG"), LIMITS, teaser=True)

    [teaser] = [v for v in result.variants if v.name == "teaser"]
    assert teaser.width == 160
    assert teaser.content_type == "image/jpeg"
    assert len(teaser.data) < 4000
    teaser_image = Image.open(io.BytesIO(teaser.data)).convert("L")
    darkest, lightest = teaser_image.getextrema()
    assert isinstance(darkest, int)
    assert isinstance(lightest, int)
    assert lightest - darkest < 64  # of the board's 255 between squares


def jpeg_declaring(width: int, height: int) -> bytes:
    data = bytearray(encode(Image.new("RGB", (16, 16)), "JPEG"))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def rejected(data: bytes, limits: ImageLimits = LIMITS) -> str:
    with pytest.raises(ImageRejected) as raised:
        process(data, limits, teaser=True)
    return raised.value.reason


@pytest.mark.parametrize("bomb", [png_declaring(100_000, 100_000), jpeg_declaring(65_000, 65_000)])
def test_a_decompression_bomb_is_refused_before_decoding(bomb: bytes) -> None:
    assert len(bomb) < 1000
    assert rejected(bomb) == "The image has too many pixels. Please upload a smaller picture."


def test_a_png_over_the_decoded_pixel_limit_is_refused() -> None:
    limits = ImageLimits(max_decoded_pixels=10_000)

    assert "too many pixels" in rejected(encode(quadrants(200, 100), "PNG"), limits)


def test_a_file_over_the_byte_limit_is_refused() -> None:
    limits = ImageLimits(max_bytes=1_048_576)

    assert rejected(b"\xff\xd8\xff" + os.urandom(1_048_576), limits) == (
        "The file is larger than 1 MB."
    )


def test_a_truncated_jpeg_is_refused_as_damaged() -> None:
    whole = encode(Image.effect_noise((800, 600), 80).convert("RGB"), "JPEG", quality=95)

    assert "damaged or incomplete" in rejected(whole[: len(whole) // 2])


def test_a_truncated_png_is_refused_as_damaged() -> None:
    whole = encode(Image.effect_noise((800, 600), 80).convert("RGB"), "PNG")

    assert "damaged or incomplete" in rejected(whole[: len(whole) // 2])


def test_an_empty_file_is_refused() -> None:
    assert rejected(b"") == "The file is empty."


@pytest.mark.parametrize(
    "data",
    [
        os.urandom(4096),
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
        b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script/></svg>',
        b"<!DOCTYPE html><html><body><img src=x onerror=alert(1)></body></html>",
        b"just some text, saved as photo.jpg\n",
        encode(Image.new("RGB", (10, 10)), "BMP"),
        encode(Image.new("RGB", (10, 10)), "TIFF"),
    ],
    ids=["random", "pdf", "svg", "html", "text", "bmp", "tiff"],
)
def test_anything_but_a_supported_image_is_refused(data: bytes) -> None:
    assert rejected(data) == (
        "The file is not a supported image. Please upload a JPEG, PNG, WebP or GIF."
    )


def test_a_jpeg_signature_followed_by_garbage_is_refused_as_damaged() -> None:
    assert "damaged or incomplete" in rejected(b"\xff\xd8\xff\xe0" + os.urandom(4096))
