"""The baseline server of the HTTP benchmarks: bare FastAPI endpoints answering the same JSON
as ours, under the uvicorn settings of ``pickey_core.cli`` (one process, no access log).

Run: ``python -m tests.bench.bare PORT ANSWERS.json`` where the file maps each path to the JSON
body ours answered on it.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import uvicorn
from fastapi import FastAPI


def bare_app(answers: dict[str, Any]) -> FastAPI:
    app = FastAPI()
    for path, body in answers.items():
        app.add_api_route(path, _answering(body), methods=["GET"])
    return app


def _answering(body: Any) -> Any:
    async def answer() -> Any:
        return body

    return answer


def main() -> None:
    port, answers_file = int(sys.argv[1]), sys.argv[2]
    with open(answers_file) as answers:
        app = bare_app(json.load(answers))
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, proxy_headers=True, server_header=False
    )
    uvicorn.Server(config).run()


if __name__ == "__main__":
    main()
