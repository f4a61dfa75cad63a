"""Debian's HAProxy in front of replicas, as a load balancer that only health-checks
``/readyz`` (like a cloud load balancer's target group): config generated on free ports."""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.support.processes import free_port, running


@dataclass(frozen=True)
class Balancer:
    url: str
    stats_url: str
    slots: dict[str, int]  # server name -> the port it forwards to

    def states(self) -> dict[str, str]:
        """HAProxy's view of each server: UP, DOWN, NOLB, MAINT..."""
        text = httpx.get(self.stats_url, timeout=5).text.lstrip("# ")
        rows = csv.DictReader(io.StringIO(text))
        return {
            row["svname"]: row["status"].split(" ")[0]
            for row in rows
            if row["svname"] in self.slots
        }


def _config(port: int, stats_port: int, slots: dict[str, int]) -> str:
    servers = "\n".join(
        f"    server {name} 127.0.0.1:{slot_port} check" for name, slot_port in slots.items()
    )
    return f"""
global
    maxconn 500
    # Health-check transitions go to the process's output (the test's haproxy.log), so a failed
    # run says which server went down when.
    log stdout format raw local0

defaults
    mode http
    log global
    option log-health-checks
    # One line per request with the server it went to and how it ended (termination state):
    # a failed request in the test's output says where it went.
    option httplog
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    # Connection attempts are retried on the same server only (no redispatch), as many cloud
    # load balancers do: a replica that stops listening before the balancer has taken it out
    # of rotation fails requests. Only the health check (/readyz) moves traffic away.
    retries 3

frontend public
    bind 127.0.0.1:{port}
    default_backend replicas

backend replicas
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    # A check may take a while on a busy host (CI runs two fault tests side by side, each
    # starting replicas): three failures in a row take a server out, so a replica that is only
    # slow for a moment stays in; a draining one is still out within ~1 s (3 x 300 ms).
    timeout check 3s
    default-server inter 300ms fall 3 rise 2
{servers}

listen stats
    bind 127.0.0.1:{stats_port}
    stats enable
    stats uri /stats
"""


@contextmanager
def haproxy(slots: dict[str, int], folder: Path) -> Iterator[Balancer]:
    binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
    port, stats_port = free_port(), free_port()
    config = folder / "haproxy.cfg"
    config.write_text(_config(port, stats_port, slots))
    with running(
        [binary, "-db", "-f", str(config)],
        env={},
        log_path=folder / "haproxy.log",
        ready_url=f"http://127.0.0.1:{stats_port}/stats",
    ):
        yield Balancer(
            f"http://127.0.0.1:{port}", f"http://127.0.0.1:{stats_port}/stats;csv", slots
        )
