"""Reading PostgreSQL's executed plans (``EXPLAIN (ANALYZE, FORMAT JSON)``) in tests that prove a
query reads O(page) rows from its index, whatever the table size (DESIGN.md lesson 4)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every node of a plan tree, the root first."""
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def assert_reads_a_page(plan: list[dict[str, Any]], index: str, max_rows: int) -> None:
    """No sequential scan, ``index`` used, and no node reads (returns or filters out) more than
    ``max_rows`` rows."""
    summary = [(node["Node Type"], node.get("Index Name")) for node in plan]
    assert "Seq Scan" not in {kind for kind, _ in summary}, summary
    assert index in {name for _, name in summary}, f"{index} not used: {summary}"
    for node in plan:
        read = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
        assert read <= max_rows, (node["Node Type"], node.get("Index Name"), read)
