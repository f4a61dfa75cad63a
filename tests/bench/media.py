"""``just bench media``: our image pipeline against a pyvips one and a naive full-decode one.

Generates 12 MP and 24 MP camera-like JPEGs (noise over gradients, so they compress like
photos and not like flat colour), then runs each pipeline over the same files in its own
subprocess: peak memory is the subprocess's peak resident size (``getrusage``), which sees
Pillow's and libvips' C allocations that ``tracemalloc`` cannot, and the baseline after imports
is reported so the figures show what the images themselves cost. Throughput is source
megapixels per second of wall time, and per second of CPU time (libvips decodes in threads of
its own, so the two can differ). Each pipeline runs once untimed first (plugins, thread pools),
then ``--repeat`` times timed. The three pipelines make the same outputs: 320/960/1920 px WebP
and JPEG and a teaser (:mod:`tests.bench.vips_pipeline` says how pyvips does it).

Decision (issue 5): keep Pillow. Measured here (2 shared cores, Pillow 13.0, pyvips 3.2 with
libvips 8.18.7 from the ``pyvips-binary`` wheel, five runs), pyvips was no faster on these
photos: 12.9-15.4 MP/s against our 13.9-17.7 on 12 MP, 26.5-29.7 against 28.7-31.9 on 24 MP
(0.85-1.03x, the best of it on a busy machine where its threads found idle time), and it spent
4-11 % more CPU per megapixel in every run. Its peak memory over base was higher, not lower:
87-93 MiB against 55-56 on 12 MP, 89-122 against 63-64 on 24 MP (1.4-1.9x; glibc's per-thread
arenas for libvips' threads are much of it: ``MALLOC_ARENA_MAX=2`` brought 24 MP to about 78,
still above ours). Shrink-on-load buys nothing over Pillow's ``draft`` here: both have
libjpeg-turbo scale its decode by 1/2, and most of the rest is libwebp encoding the same
1920 px image. Both are 1.3-2.3x faster than the naive pipeline. Not measured by this bench:
PNG and WebP originals, which Pillow decodes in full. A one-off run on a 24 MP WebP took pyvips
78 MiB over base against ours 370, and 1.15 s against 1.9 s; if such uploads become common,
measure them here before revisiting.

Run: ``python -m tests.bench.media [--repeat N]`` (``just bench media``).
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
from importlib.metadata import version
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
PIPELINES = ("pickey", "pyvips", "naive")
BASELINE = "naive"


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


def _pyvips() -> Callable[[bytes], int]:
    """The pyvips contender, loaded only in the subprocess that measures it: libvips (and its
    threads) would otherwise weigh on the Pillow pipelines' figures."""
    import pyvips

    from tests.bench.vips_pipeline import process_with_vips

    # Every upload is a new image, so a worker would run with libvips' operation cache off: it
    # could only hold memory, and here it could serve a repeat from an earlier run.
    pyvips.cache_set_max(0)

    def run(data: bytes) -> int:
        return sum(len(variant.data) for variant in process_with_vips(data, teaser=True))

    return run


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


def _cpu_seconds() -> float:
    """User and system time of every thread of this process (libvips decodes in its own)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_one(name: str, paths: Sequence[Path], repeat: int) -> dict[str, float]:
    """In the subprocess: run one pipeline over the files and report its figures. A first,
    untimed run warms the libraries up (plugins, thread pools); its memory counts in the peak."""
    pipeline = _pyvips() if name == "pyvips" else {"pickey": pickey, "naive": naive}[name]
    originals = [path.read_bytes() for path in paths]
    megapixels = 0.0
    for data in originals:
        with Image.open(io.BytesIO(data)) as image:
            megapixels += image.width * image.height / 1e6
    baseline = _peak_rss_mib()
    for data in originals:
        pipeline(data)
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    for _ in range(repeat):
        for data in originals:
            pipeline(data)
    seconds, cpu_seconds = time.perf_counter() - started, _cpu_seconds() - cpu_started
    return {
        "megapixels": megapixels * repeat,
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "peak_mib": _peak_rss_mib(),
        "baseline_mib": baseline,
    }


def _measure(name: str, paths: Sequence[Path], repeat: int) -> dict[str, float]:
    command = [sys.executable, "-m", __spec__.name if __spec__ else "tests.bench.media"]
    command += ["--run", name, "--repeat", str(repeat), *map(str, paths)]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    figures: dict[str, float] = json.loads(output)
    return figures


def _ratio(ours: dict[str, float], theirs: dict[str, float]) -> str:
    """How ``ours`` compares with ``theirs``: wall-clock speed, CPU time and memory over base."""
    speed = theirs["seconds"] / ours["seconds"]
    cpu = theirs["cpu_seconds"] / ours["cpu_seconds"]
    memory = max(1.0, theirs["peak_mib"] - theirs["baseline_mib"]) / max(
        1.0, ours["peak_mib"] - ours["baseline_mib"]
    )
    return (
        f"{_times(speed, 'faster', 'slower')} ({_times(cpu, 'less', 'more')} CPU), "
        f"{_times(memory, 'less', 'more')} memory over base"
    )


def _times(ratio: float, better: str, worse: str) -> str:
    """``2.1x faster`` or ``1.3x slower``: a ratio under 1 reads as its inverse."""
    return f"{ratio:.1f}x {better}" if ratio >= 1 else f"{1 / ratio:.1f}x {worse}"


def report(paths: Sequence[Path], repeat: int) -> str:
    rows = {}
    for path in paths:
        rows[path.name] = {name: _measure(name, [path], repeat) for name in PIPELINES}
    lines = [
        f"Image pipeline benchmark (Pillow {PIL.__version__}, pyvips {version('pyvips')} with "
        f"libvips {version('pyvips-binary')}; {repeat} timed run(s) per photo after an untimed "
        "one, each pipeline in its own process)",
        "",
        f"{'photo':<16}{'pipeline':<15}{'MP/s':>7}{'MP/CPU-s':>10}{'peak MiB':>10}"
        f"{'over base':>11}",
    ]
    for photo, figures in rows.items():
        for name in PIPELINES:
            f = figures[name]
            lines.append(
                f"{photo:<16}{name:<15}{f['megapixels'] / f['seconds']:>7.1f}"
                f"{f['megapixels'] / f['cpu_seconds']:>10.1f}"
                f"{f['peak_mib']:>10.0f}{f['peak_mib'] - f['baseline_mib']:>11.0f}"
            )
        for ours, theirs in (("pickey", BASELINE), ("pyvips", BASELINE), ("pyvips", "pickey")):
            lines.append(
                f"{photo:<16}{f'{ours}/{theirs}':<15}{_ratio(figures[ours], figures[theirs])}"
            )
        lines.append("")
    return "\n".join([*lines, *_goals(rows)]).rstrip()


def _goals(rows: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    """Goal P5 of issue 14 on the largest photo: ours >= 3x the naive pipeline's megapixels per
    second, peak resident memory <= 300 MB (the whole process, imports included)."""
    photo = list(rows)[-1]
    ours, theirs = rows[photo]["pickey"], rows[photo][BASELINE]
    speed = theirs["seconds"] / ours["seconds"]
    cpu = theirs["cpu_seconds"] / ours["cpu_seconds"]
    peak_mb = ours["peak_mib"] * 1.048576
    return [
        f"goal P5 image speed: {'met' if speed >= 3 else 'NOT met'} — {speed:.1f}x naive Pillow "
        f"on {photo} (goal >= 3x; {cpu:.1f}x less CPU)",
        f"goal P5 image memory: {'met' if peak_mb <= 300 else 'NOT met'} — peak {peak_mb:.0f} MB "
        f"on {photo} (goal <= 300 MB)",
    ]


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
