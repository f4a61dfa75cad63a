"""The fault suite's table: one row per reproduced fault, with what each run observed.

Tests append rows (JSON lines) through the ``fault_report`` fixture; ``pytest_terminal_summary``
(and ``python -m tests.faults.report``) print them. The numbers are the runs' own counts.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

REPORT_PATH = Path(
    os.environ.get("PICKEY_FAULTS_REPORT", Path(__file__).parents[2] / "var" / "faults.jsonl")
)
COLUMNS = ("fault", "goal", "lost", "duplicated", "5xx", "failed requests", "notes")


@dataclass(frozen=True)
class FaultRow:
    fault: str
    goal: str
    lost: int = 0
    duplicated: int = 0
    server_errors: int = 0
    failed_requests: int = 0
    notes: str = ""


def record(row: FaultRow) -> None:
    REPORT_PATH.parent.mkdir(parents=True, exist_ok=True)
    with REPORT_PATH.open("a") as report:
        report.write(json.dumps(asdict(row)) + "\n")


def reset() -> None:
    REPORT_PATH.unlink(missing_ok=True)


def rows() -> list[FaultRow]:
    if not REPORT_PATH.exists():
        return []
    return [FaultRow(**json.loads(line)) for line in REPORT_PATH.read_text().splitlines() if line]


def table(found: list[FaultRow]) -> str:
    cells = [
        (r.fault, r.goal, r.lost, r.duplicated, r.server_errors, r.failed_requests, r.notes)
        for r in sorted(found, key=lambda row: row.fault)
    ]
    widths = [max(len(str(c)) for c in column) for column in zip(COLUMNS, *cells, strict=False)]

    def line(values: tuple[object, ...]) -> str:
        padded = (str(value).ljust(width) for value, width in zip(values, widths, strict=True))
        return "| " + " | ".join(padded) + " |"

    separator = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(COLUMNS), separator, *(line(c) for c in cells)])


if __name__ == "__main__":
    found = rows()
    print(table(found) if found else "no fault runs recorded", file=sys.stdout)
