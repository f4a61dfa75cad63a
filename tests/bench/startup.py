"""``just bench startup``: goal P7 of issue 14 — seconds from exec to the first 200 of
``/readyz`` and the idle resident memory of each service's web process, against a bare FastAPI
app (:mod:`tests.bench.bare`) under the same uvicorn settings.

Each service runs as its image runs it: from an environment of its own holding only its package
and that package's dependencies (``uv sync --no-dev --package pickey-<service>``: no pytest, no
schemathesis, no other service's libraries), with bytecode compiled (the image's
``UV_COMPILE_BYTECODE=1``; with ``PYTHONDONTWRITEBYTECODE=1``, as on this machine and in the image,
an uncompiled checkout recompiles every module at every start, which doubled the figures). Our
sources stay editable, compiled in place, so the run measures the checkout. The environments live
in a temporary folder; uv links their files from its cache.

Each service runs ``python -m pickey_<service> serve`` on a free port against a migrated database
of its own (``pickey_bench_startup_<pid>``) and a redis-server of its own; ours and the bare app
(in the api's environment) alternate, ``--rounds`` times. Idle RSS is read from
``/proc/<pid>/status`` one second after ready. Goals: ready within 1.5 s and idle RSS at most
100 MiB per process.

Run: ``python -m tests.bench.startup [--rounds N] [--services api payments ...]``.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

from tests.bench import harness

SERVICES = ("api", "payments", "media", "notifications")
ROOT = pathlib.Path(__file__).resolve().parents[2]
READY_GOAL_SECONDS = 1.5
RSS_GOAL_MIB = 100.0


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as response:
            return bool(response.status == 200)
    except (OSError, urllib.error.URLError):
        return False


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def image_like_python(service: str, folder: pathlib.Path) -> str:
    """An environment with ``pickey-<service>`` and its dependencies only, bytecode compiled as
    in the image; returns its interpreter."""
    environment = folder / service
    subprocess.run(
        ["uv", "sync", "--locked", "--no-dev", "--package", f"pickey-{service}",
         "--compile-bytecode", "--quiet"],
        cwd=ROOT,
        env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(environment)},
        check=True,
    )  # fmt: skip
    python = str(environment / "bin" / "python")
    # Our packages are editable (the checkout is what is measured); compile them as uv compiled
    # the rest. compileall writes bytecode whatever PYTHONDONTWRITEBYTECODE says.
    sources = [str(ROOT / "libs" / "core" / "src"), str(ROOT / "services" / service / "src")]
    subprocess.run([python, "-m", "compileall", "-q", *sources], check=True)
    return python


def start_once(argv: list[str], port: int, env: dict[str, str]) -> tuple[float, float]:
    """Seconds from exec to the first 200 of /readyz, and the idle RSS in MiB after it."""
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        while not _ready(port):
            if process.poll() is not None:
                error = process.stderr.read().decode()[-3000:] if process.stderr else ""
                raise RuntimeError(f"{argv} exited: {error}")
            if time.perf_counter() - started > 120:
                raise TimeoutError(f"{argv} not ready after 120 s")
            time.sleep(0.01)
        ready = time.perf_counter() - started
        time.sleep(1)
        return ready, rss_mib(process.pid)
    finally:
        process.terminate()
        process.wait(20)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--services", nargs="+", choices=SERVICES, default=list(SERVICES))
    args = parser.parse_args()

    ready = {name: harness.Series() for name in [*args.services, "bare"]}
    rss = {name: harness.Series() for name in [*args.services, "bare"]}
    with (
        harness.bench_database("startup") as url,
        harness.bench_redis() as redis_url,
        tempfile.NamedTemporaryFile("w", suffix=".json") as answers,
        tempfile.TemporaryDirectory(prefix="pickey-bench-startup-") as folder,
    ):
        pythons = {
            name: image_like_python(name, pathlib.Path(folder)) for name in {*args.services, "api"}
        }
        json.dump({"/readyz": {"status": "ok"}}, answers)
        answers.flush()
        for _ in range(args.rounds):
            for name in [*args.services, "bare"]:
                port = harness.free_port()
                env = {
                    **os.environ,
                    "PICKEY_DATABASE_URL": url,
                    "PICKEY_REDIS_URL": redis_url,
                    "PICKEY_PORT": str(port),
                }
                if name == "bare":
                    # Run from the checkout's root, where ``-m tests.bench.bare`` is found.
                    argv = [pythons["api"], "-m", "tests.bench.bare", str(port), answers.name]
                else:
                    argv = [pythons[name], "-m", f"pickey_{name}", "serve"]
                seconds, mib = start_once(argv, port, env)
                ready[name].values.append(seconds)
                rss[name].values.append(mib)

    bare_ready = ready["bare"].median
    rows = []
    for name in [*args.services, "bare"]:
        met = ready[name].median <= READY_GOAL_SECONDS and rss[name].median <= RSS_GOAL_MIB
        rows.append(
            [
                name,
                ready[name].show(2),
                f"{ready[name].median / bare_ready:.1f}",
                rss[name].show(1),
                "" if name == "bare" else harness.verdict(met),
            ]
        )
    print(f"\nexec -> /readyz, {args.rounds} rounds (goal P7: <= {READY_GOAL_SECONDS} s, "
          f"<= {RSS_GOAL_MIB:.0f} MiB idle)")  # fmt: skip
    harness.print_table(["process", "ready s", "x bare", "idle RSS MiB", "verdict"], rows)
    print()
    for name in args.services:
        seconds, mib = ready[name].median, rss[name].median
        ready_met = harness.verdict(seconds <= READY_GOAL_SECONDS)
        rss_met = harness.verdict(mib <= RSS_GOAL_MIB)
        print(f"goal P7 {name} ready: {ready_met} — {seconds:.2f} s (bare {bare_ready:.2f} s)")
        bare_mib = rss["bare"].median
        print(f"goal P7 {name} idle RSS: {rss_met} — {mib:.1f} MiB (bare {bare_mib:.1f} MiB)")


if __name__ == "__main__":
    main()
