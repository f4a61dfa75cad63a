"""The pyvips contender of ``just bench media`` makes what the Pillow pipeline makes, so the
benchmark compares libraries and not work done."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pytest
from PIL import Image, ImageCms

from pickey_media.images.pipeline import EncodedVariant, process
from pickey_media.settings import ImageLimits
from tests.bench.vips_pipeline import process_with_vips
from tests.support.sample_pictures import (
    BLUE,
    GREEN,
    RED,
    YELLOW,
    camera_jpeg,
    close,
    colour_at,
    encode,
    quadrants,
)


def opened(variants: list[EncodedVariant], name: str) -> Image.Image:
    [variant] = [v for v in variants if v.name == name]
    return Image.open(io.BytesIO(variant.data))


def shapes(variants: Sequence[EncodedVariant]) -> list[tuple[str, int, int, str]]:
    return [(v.name, v.width, v.height, v.content_type) for v in variants]


@pytest.mark.parametrize("size", [(4000, 3000), (1200, 900), (200, 100)], ids=str)
def test_it_makes_the_pillow_pipelines_variants(size: tuple[int, int]) -> None:
    original = camera_jpeg(quadrants(*size))

    ours = process(original, ImageLimits(), teaser=True)
    theirs = process_with_vips(original, teaser=True)

    assert shapes(theirs) == shapes(ours.variants)
    for variant in theirs:
        image = Image.open(io.BytesIO(variant.data))
        assert image.size == (variant.width, variant.height)
        assert image.format == variant.content_type.removeprefix("image/").upper()


def test_variants_have_the_bucket_widths_and_are_never_upscaled() -> None:
    large = process_with_vips(encode(quadrants(4000, 3000), "JPEG"), teaser=False)
    middle = process_with_vips(encode(quadrants(1200, 900), "JPEG"), teaser=False)
    small = process_with_vips(encode(quadrants(200, 100), "PNG"), teaser=False)

    assert [(v.name, v.width, v.height) for v in large] == [
        ("1920w.webp", 1920, 1440),
        ("1920w.jpg", 1920, 1440),
        ("960w.webp", 960, 720),
        ("960w.jpg", 960, 720),
        ("320w.webp", 320, 240),
        ("320w.jpg", 320, 240),
    ]
    assert {v.name: v.width for v in middle} == {
        "1920w.webp": 1200,
        "1920w.jpg": 1200,
        "960w.webp": 960,
        "960w.jpg": 960,
        "320w.webp": 320,
        "320w.jpg": 320,
    }
    assert [(v.name, v.width, v.height) for v in small] == [
        ("320w.webp", 200, 100),
        ("320w.jpg", 200, 100),
    ]


def test_a_rotated_photo_comes_out_upright() -> None:
    variants = process_with_vips(camera_jpeg(quadrants(), orientation=6), teaser=False)

    assert [(v.name, v.width, v.height) for v in variants] == [
        ("960w.webp", 640, 480),
        ("960w.jpg", 640, 480),
        ("320w.webp", 320, 240),
        ("320w.jpg", 320, 240),
    ]
    for variant in variants:
        image = opened(variants, variant.name)
        assert close(colour_at(image, 0.25, 0.25), RED)
        assert close(colour_at(image, 0.75, 0.25), GREEN)
        assert close(colour_at(image, 0.25, 0.75), BLUE)
        assert close(colour_at(image, 0.75, 0.75), YELLOW)


def test_no_output_carries_exif_gps_icc_or_comments() -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    phone = camera_jpeg(quadrants(2400, 1600), orientation=6)
    with Image.open(io.BytesIO(phone)) as stored:
        original = encode(
            stored, "JPEG", exif=stored.getexif().tobytes(), icc_profile=icc, comment=b"secret note"
        )
    assert b"Exif" in original
    assert b"secret note" in original

    variants = process_with_vips(original, teaser=True)

    assert len(variants) == 7
    for variant in variants:
        assert b"Exif" not in variant.data
        assert b"PhoneMaker" not in variant.data
        assert b"secret note" not in variant.data
        image = Image.open(io.BytesIO(variant.data))
        assert len(image.getexif()) == 0
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(image.info)
