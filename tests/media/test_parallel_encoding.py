"""Variants are encoded on several threads (``ImageLimits.encode_threads``): the outputs are the
very bytes one thread makes, in the same order, each with its own format's settings (Pillow keeps
save options on the image object, so shared images would swap them)."""

from __future__ import annotations

import io

from PIL import Image

from pickey_media.images.pipeline import process
from pickey_media.settings import ImageLimits
from tests.support.sample_pictures import camera_jpeg, quadrants


def test_threads_make_the_same_variants_as_one_thread() -> None:
    photo = camera_jpeg(quadrants(2400, 1600), orientation=6)
    alone = process(photo, ImageLimits(encode_threads=1), teaser=True)
    for _ in range(3):
        together = process(photo, ImageLimits(encode_threads=4), teaser=True)
        assert [v.name for v in together.variants] == [v.name for v in alone.variants]
        assert [v.data for v in together.variants] == [v.data for v in alone.variants]
    for variant in alone.variants:
        with Image.open(io.BytesIO(variant.data)) as decoded:
            expected = "WEBP" if variant.name.endswith(".webp") else "JPEG"
            assert decoded.format == expected, variant.name
            if variant.name.endswith(".jpg"):
                assert decoded.info.get("progressive") == 1, variant.name
