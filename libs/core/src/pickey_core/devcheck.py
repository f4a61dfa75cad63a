"""``python -m pickey_core.devcheck name=URL ...``: wait until a local stack answers, then print
where everything is. Used by ``just dev``; a service that does not come up is named."""

from __future__ import annotations

import os
import sys
import time

import httpx

# A slow or busy machine (a first start compiles every module) may set DEV_READY_TIMEOUT_SECONDS.
TIMEOUT_SECONDS = float(os.environ.get("DEV_READY_TIMEOUT_SECONDS", "90"))


def _ready(base_url: str) -> bool:
    for path in ("/readyz", "/livez"):
        try:
            response = httpx.get(base_url + path, timeout=1)
        except httpx.HTTPError:
            continue
        if response.status_code != 404:
            return response.is_success
    return False


def main(argv: list[str]) -> int:
    services = dict(argument.split("=", 1) for argument in argv)
    deadline = time.monotonic() + TIMEOUT_SECONDS
    waiting = set(services)
    while waiting and time.monotonic() < deadline:
        waiting = {name for name in waiting if not _ready(services[name])}
        if waiting:
            time.sleep(0.5)
    width = max(map(len, services))
    print("\nPickey is running:" if not waiting else "\nSome services did not come up:")
    for name, url in services.items():
        state = "not ready" if name in waiting else "ready"
        print(f"  {name:<{width}}  {url:<24}  {state}")
    if "web" in services:
        print(f"\n  Open the web app (development stand-in): {services['web']}/\n")
    if "api" in services and "sandbox" in services:
        api, sandbox = services["api"], services["sandbox"]
        print(f"  api docs   {api}/docs   sandbox mail  {sandbox}/sandbox/mailgun\n")
    return 1 if waiting else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
