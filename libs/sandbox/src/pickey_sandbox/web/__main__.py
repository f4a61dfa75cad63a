"""``python -m pickey_sandbox.web [--host H] [--port P] [--config-url URL]``: serve the stand-in."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import uvicorn

from pickey_sandbox.web.app import DEFAULT_CONFIG_URL, create_web_app


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m pickey_sandbox.web", description="Pickey's development web stand-in."
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5173)
    parser.add_argument("--config-url", default=DEFAULT_CONFIG_URL, help="the api's /config.json")
    args = parser.parse_args(argv)
    print(f"Pickey web stand-in: http://{args.host}:{args.port}/", file=sys.stderr, flush=True)
    uvicorn.run(create_web_app(args.config_url), host=args.host, port=args.port, log_level="info")


if __name__ == "__main__":
    main()
