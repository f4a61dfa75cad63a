"""``python -m pickey_devserver dev -- COMMAND...`` or ``python -m pickey_devserver reset``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pickey_devserver.launcher import dev
from pickey_devserver.reset import reset


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pickey_devserver")
    commands = parser.add_subparsers(dest="what", required=True)
    run = commands.add_parser("dev", help="run COMMAND with PostgreSQL and Redis answering")
    run.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command")
    wipe = commands.add_parser("reset", help="delete var/ after asking")
    wipe.add_argument("--yes", action="store_true", help="do not ask")
    arguments = parser.parse_args(argv)
    var_dir = Path("var")
    if arguments.what == "reset":
        return reset(var_dir, yes=arguments.yes)
    command = arguments.command[1:] if arguments.command[:1] == ["--"] else arguments.command
    if not command:
        parser.error("dev needs a command after --")
    return dev(command, var_dir)


if __name__ == "__main__":
    sys.exit(main())
