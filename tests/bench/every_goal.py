"""``just bench`` (or ``just bench all``): every goal of issue 14 in one run.

Runs each benchmark in turn as its own process (``feed``, ``feed-scale``, ``queue``, ``return``,
``startup``, ``media``, ``notifications``), streams what it prints, and collects the lines each
one ends with
(``goal <id> <what>: met — <figures>`` or ``... NOT met — ...``) into one table at the end, so
the verdict of every goal measured in this run is in one place. A benchmark that crashes is
reported as such and makes the run exit non-zero; a goal not met does not (a benchmark is a
measurement, not a test).

The issue's sizes are each benchmark's defaults (minutes each: 200,000 posts, 50,000 members,
24 MP photos). ``--quick`` passes each benchmark the small options its docstring names, for a
run of a few minutes that still prints every goal (small sizes flatter nothing: the ratios are
to a baseline measured alternately in the same process run).

Run: ``python -m tests.bench.every_goal [--quick] [--only feed queue ...]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

from tests.bench import harness

# name -> (module, options for --quick)
BENCHES: dict[str, tuple[str, list[str]]] = {
    "feed": ("tests.bench.feed", ["--posts", "20000", "--rounds", "2", "--seconds", "3"]),
    "feed-scale": ("tests.bench.feed_scale", ["--rounds", "1", "--seconds", "3"]),
    "queue": ("tests.bench.queue", ["--jobs", "500", "--rounds", "2"]),
    "return": ("tests.bench.gateway_return", ["--rounds", "2", "--seconds", "3"]),
    "startup": ("tests.bench.startup", ["--rounds", "1"]),
    "media": ("tests.bench.media", ["--repeat", "1"]),
    "notifications": ("tests.bench.notifications", ["--members", "5000"]),
}


def run(name: str, quick: bool) -> tuple[list[str], int, float]:
    """Run one benchmark, echoing its output; return its goal lines, exit code and seconds."""
    module, quick_options = BENCHES[name]
    argv = [sys.executable, "-m", module, *(quick_options if quick else [])]
    print(f"\n===== just bench {name}: {' '.join(argv[1:])}", flush=True)
    started = time.perf_counter()
    goals: list[str] = []
    with subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, bufsize=1) as process:
        assert process.stdout is not None
        for line in process.stdout:
            sys.stdout.write(line)
            if line.startswith("goal "):
                goals.append(line.strip())
    return goals, process.returncode, time.perf_counter() - started


def split_goal(line: str) -> tuple[str, str, str]:
    """``goal P1 feed (fan): met — 0.53x bare`` -> (``P1 feed (fan)``, ``met``, figures)."""
    head, _, rest = line.removeprefix("goal ").partition(": ")
    verdict, _, figures = rest.partition(" — ")
    return head, verdict, figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few minutes")
    parser.add_argument("--only", nargs="+", choices=list(BENCHES), default=list(BENCHES))
    args = parser.parse_args()
    rows: list[list[str]] = []
    crashed: list[str] = []
    for name in args.only:
        goals, code, seconds = run(name, args.quick)
        if code != 0:
            crashed.append(name)
            rows.append([name, "(crashed)", "NOT met", f"exit code {code} after {seconds:.0f} s"])
        elif not goals:
            crashed.append(name)
            rows.append([name, "(no goal printed)", "NOT met", f"after {seconds:.0f} s"])
        for line in goals:
            rows.append([name, *split_goal(line)])
    print("\n===== issue 14: every goal in this run")
    harness.print_table(["bench", "goal", "verdict", "figures"], rows)
    met = sum(1 for row in rows if row[2] == "met")
    crashes = f"; crashed: {', '.join(crashed)}" if crashed else ""
    print(f"\n{met} of {len(rows)} goals met{crashes}")
    sys.exit(1 if crashed else 0)


if __name__ == "__main__":
    main()
