"""``just bench media``: our image pipeline against a naive full-decode Pillow pipeline.

Generates 12 MP and 24 MP camera-like JPEGs (noise over gradients, so they compress like
photos and not like flat colour), then runs each pipeline over the same files in its own
subprocess: peak memory is the subprocess's peak resident size (``getrusage``), which sees
Pillow's C allocations that ``tracemalloc`` cannot, and the baseline after imports is reported
so the figures show what the images themselves cost. Throughput is source megapixels per
second of wall time. Both pipelines make the same outputs: 320/960/1920 px WebP and JPEG and a
teaser.

Run: ``python -m pickey_media.images.benchmark [--repeat N]``.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import PIL
from PIL import Image, ImageFilter, ImageOps

from pickey_media.images.pipeline import (
    JPEG_QUALITY,
    TEASER_QUALITY,
    VARIANT_WIDTHS,
    WEBP_QUALITY,
    process,
)
from pickey_media.settings import ImageLimits

SIZES = {"12 MP": (4000, 3000), "24 MP": (6000, 4000)}
PIPELINES = ("pickey", "naive")


def generate(folder: Path) -> list[Path]:
    """One landscape camera-like JPEG per size, with an EXIF block like a phone writes."""
    paths = []
    for label, (width, height) in SIZES.items():
        noise = Image.effect_noise((width // 4, height // 4), 64).resize((width, height))
        gradient = Image.linear_gradient("L").resize((width, height))
        photo = Image.merge("RGB", (noise, gradient, ImageOps.invert(noise)))
        exif = Image.Exif()
        exif[0x0112] = 1
        path = folder / f"photo-{label.replace(' ', '')}.jpg"
        photo.save(path, "JPEG", quality=92, exif=exif.tobytes())
        paths.append(path)
    return paths


def pickey(data: bytes) -> int:
    result = process(data, ImageLimits(), teaser=True)
    return sum(len(variant.data) for variant in result.variants)


def naive(data: bytes) -> int:
    """What a first version does: decode everything, resize every variant from the full image
    (same outputs and encoder settings as ours, so only decoding and resizing differ)."""
    full = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    written = 0
    for width in VARIANT_WIDTHS:
        height = round(full.height * width / full.width)
        variant = full.resize((width, height), Image.Resampling.LANCZOS)
        webp, jpeg = io.BytesIO(), io.BytesIO()
        variant.save(webp, "WEBP", quality=WEBP_QUALITY, method=4)
        variant.save(jpeg, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
        written += webp.tell() + jpeg.tell()
    teaser = full.resize((160, round(full.height * 160 / full.width))).filter(
        ImageFilter.GaussianBlur(32)
    )
    buffer = io.BytesIO()
    teaser.save(buffer, "JPEG", quality=TEASER_QUALITY)
    return written + buffer.tell()


def _peak_rss_mib() -> float:
    """This process's peak resident size. On Linux ``VmHWM``: ``ru_maxrss`` survives exec, so a
    subprocess would report its parent's peak."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024)  # macOS: bytes


def run_one(name: str, paths: Sequence[Path], repeat: int) -> dict[str, float]:
    """In the subprocess: run one pipeline over the files and report its figures."""
    pipeline: Callable[[bytes], int] = {"pickey": pickey, "naive": naive}[name]
    originals = [path.read_bytes() for path in paths]
    megapixels = 0.0
    for data in originals:
        with Image.open(io.BytesIO(data)) as image:
            megapixels += image.width * image.height / 1e6
    baseline = _peak_rss_mib()
    started = time.perf_counter()
    for _ in range(repeat):
        for data in originals:
            pipeline(data)
    seconds = time.perf_counter() - started
    return {
        "megapixels": megapixels * repeat,
        "seconds": seconds,
        "peak_mib": _peak_rss_mib(),
        "baseline_mib": baseline,
    }


def _measure(name: str, paths: Sequence[Path], repeat: int) -> dict[str, float]:
    command = [sys.executable, "-m", __spec__.name if __spec__ else "pickey_media.images.benchmark"]
    command += ["--run", name, "--repeat", str(repeat), *map(str, paths)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603
    figures: dict[str, float] = json.loads(output)
    return figures


def report(paths: Sequence[Path], repeat: int) -> str:
    rows = {}
    for path in paths:
        rows[path.name] = {name: _measure(name, [path], repeat) for name in PIPELINES}
    lines = [
        f"Image pipeline benchmark (Pillow {PIL.__version__}, {repeat} run(s) per photo, "
        "each pipeline in its own process)",
        "",
        f"{'photo':<16}{'pipeline':<10}{'MP/s':>8}{'peak MiB':>10}{'over base':>11}",
    ]
    for photo, figures in rows.items():
        for name in PIPELINES:
            f = figures[name]
            lines.append(
                f"{photo:<16}{name:<10}{f['megapixels'] / f['seconds']:>8.1f}"
                f"{f['peak_mib']:>10.0f}{f['peak_mib'] - f['baseline_mib']:>11.0f}"
            )
        ours, theirs = figures["pickey"], figures["naive"]
        speed = (ours["megapixels"] / ours["seconds"]) / (theirs["megapixels"] / theirs["seconds"])
        memory = (theirs["peak_mib"] - theirs["baseline_mib"]) / max(
            1.0, ours["peak_mib"] - ours["baseline_mib"]
        )
        lines.append(
            f"{photo:<16}{'ratio':<10}{speed:>7.1f}x faster, {memory:.1f}x less memory over base"
        )
        lines.append("")
    lines.append("pyvips: not measured (not a dependency of this service; Pillow with JPEG")
    lines.append("draft decoding is what the media worker uses).")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=2, help="Runs of each pipeline per photo.")
    parser.add_argument("--run", choices=PIPELINES, help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        print(json.dumps(run_one(args.run, args.paths, args.repeat)))
        return
    with tempfile.TemporaryDirectory(prefix="pickey-bench-") as folder:
        print("Generating 12 MP and 24 MP photos...", file=sys.stderr)
        print(report(generate(Path(folder)), args.repeat))


if __name__ == "__main__":
    main()
