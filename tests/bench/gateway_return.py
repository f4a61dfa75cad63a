"""``just bench return``: goal P6 of issue 14 — a signed GP webpay return, replayed, against a bare
FastAPI endpoint answering the same JSON, under the same uvicorn settings, with ``wrk``.

A database of its own (``pickey_bench_return_<pid>``) holds a creator with a 59 Kč tier and a
fan with a Redis session in a redis-server of its own. Ours is ``pickey-payments serve`` (the
development configuration: it trusts the sandbox's gateway key). The fan checks out through
ours (``POST /payments/v1/checkouts``), then the gateway's paid return for that order, signed
with the sandbox's development gateway key as GP webpay signs it, is sent once (it settles the
payment) and replayed by ``wrk`` as a client that is not a browser would (the JSON answer, not
the browser's redirect): each replay verifies the signature and finds the payment already paid.
The baseline is :mod:`tests.bench.bare`, given the body ours answered. Each round runs ours then
bare; the table shows medians and min-max over rounds, CPU per request of the server process,
and the ratio of medians (ours / bare req/s) with the goal's verdict.

Run: ``python -m tests.bench.gateway_return [--rounds N] [--seconds S] [--connections C]
[--profile PREFIX]``. A quick run: ``--rounds 2 --seconds 3``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import urllib.request
from typing import Any

from pickey_core.resources import Resources
from pickey_core.sessions import SessionStore
from pickey_core.settings import load_settings
from pickey_payments.settings import PaymentsSettings
from tests.bench import harness
from tests.support import factories
from tests.support.gateway_returns import paid_return, query

RETURN_PATH = "/payments/v1/gpwebpay/return"
GOAL = 0.5


async def seed(settings: PaymentsSettings) -> tuple[str, str, str]:
    """A creator's tier and a fan with a session: (tier id, session id, CSRF token)."""
    resources = await Resources.open(settings)
    try:
        async with resources.unit_of_work() as session:
            fan = await factories.user(session)
            creator = await factories.creator(session)
            tier = await factories.tier(session, creator, 5900, name="Na granulkey")
        session_id, stored = await SessionStore(resources.redis, settings.session).create(fan.id)
    finally:
        await resources.close()
    return str(tier.id), session_id, stored.csrf_token


def _request(url: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--profile",
        metavar="PREFIX",
        help="py-spy record ours during its first run into PREFIX-0.txt (for tests.bench.profile)",
    )
    args = parser.parse_args()

    with harness.bench_database("return") as url, harness.bench_redis() as redis_url:
        ours_port = harness.free_port()
        env = harness.service_env(url, redis_url, ours_port)
        os.environ.update(PICKEY_DATABASE_URL=url, PICKEY_REDIS_URL=redis_url)
        settings = load_settings(PaymentsSettings)
        tier_id, session_id, csrf = asyncio.run(seed(settings))
        ours_argv = [sys.executable, "-m", "pickey_payments", "serve"]
        with harness.server(ours_argv, ours_port, env) as ours_pid:
            ours = f"http://127.0.0.1:{ours_port}"
            created = _request(
                f"{ours}/payments/v1/checkouts",
                {"kind": "membership", "tier_id": tier_id},
                {
                    "Content-Type": "application/json",
                    "Cookie": f"{settings.session.cookie_name}={session_id}",
                    "X-CSRF-Token": csrf,
                },
            )
            signed = paid_return(created, settings.gpwebpay.merchant_number)
            path = f"{RETURN_PATH}?{query(signed)}"
            first = _request(f"{ours}{path}")
            replayed = _request(f"{ours}{path}")
            if first != replayed or first["outcome"] != "paid":
                raise RuntimeError(f"the return was not settled as paid: {first}, {replayed}")
            figures = harness.rounds_versus_bare(
                {"signed return, replayed": harness.Request(path)},
                {RETURN_PATH: replayed},
                (ours_port, ours_pid),
                env,
                rounds=args.rounds,
                seconds=args.seconds,
                connections=args.connections,
                profile=args.profile,
            )

    ours_figures = figures["signed return, replayed", "ours"]
    bare_figures = figures["signed return, replayed", "bare"]
    ratio = ours_figures.rps.median / bare_figures.rps.median
    met = ratio >= GOAL and ours_figures.failed == 0
    print(f"\n{args.connections} connections, {args.rounds} rounds of {args.seconds:g} s each")
    harness.print_versus_bare(
        "P6", [("signed return, replayed", ours_figures, bare_figures, GOAL, met)]
    )
    print()
    print(
        f"goal P6 gateway return: {harness.verdict(met)} — {ratio:.3f}x bare "
        f"({ours_figures.rps.median:,.0f} vs {bare_figures.rps.median:,.0f} req/s)"
    )


if __name__ == "__main__":
    main()
