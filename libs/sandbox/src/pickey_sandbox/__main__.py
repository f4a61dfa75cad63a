"""``python -m pickey_sandbox [--host H] [--port P]``: serve the sandbox with uvicorn.

Flags override ``PICKEY_SANDBOX_HOST`` / ``PICKEY_SANDBOX_PORT``; tests pass ``--port`` with a
free port so parallel test workers each get their own sandbox.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import uvicorn

from pickey_sandbox.app import create_app
from pickey_sandbox.config import SandboxConfig


def parse_args(argv: Sequence[str] | None, defaults: SandboxConfig) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m pickey_sandbox",
        description="Local stand-ins for Mailgun and Pickey's other providers.",
    )
    parser.add_argument("--host", default=defaults.host, help=f"default {defaults.host}")
    parser.add_argument("--port", type=int, default=defaults.port, help=f"default {defaults.port}")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    defaults = SandboxConfig()
    args = parse_args(argv, defaults)
    config = defaults.model_copy(update={"host": args.host, "port": args.port})
    print(f"Pickey sandbox: http://{config.host}:{config.port}/", file=sys.stderr, flush=True)
    uvicorn.run(create_app(config), host=config.host, port=config.port, log_level="info")


if __name__ == "__main__":
    main()
