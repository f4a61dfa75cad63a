"""Look inside the sandbox's fake Mux and steer it over HTTP, the way a test would by hand.

Use with the ``sandbox_url`` fixture; each test module makes its fixture with :func:`emptied`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from pickey_core.providers.mux import MuxConfig
from tests.support.settings import MUX_TOKEN_ID, MUX_TOKEN_SECRET

MUX_AUTH = (MUX_TOKEN_ID, MUX_TOKEN_SECRET)


def client_config(base_url: str, **overrides: Any) -> MuxConfig:
    """Client settings for a sandbox at ``base_url``: fast backoff, so retry tests stay quick."""
    values: dict[str, Any] = {
        "base_url": base_url,
        "token_id": MUX_TOKEN_ID,
        "token_secret": MUX_TOKEN_SECRET,
        "backoff_base_seconds": 0.01,
        "backoff_max_seconds": 0.5,
    }
    values.update(overrides)
    return MuxConfig.model_validate(values)


class MuxSandbox:
    def __init__(self, base_url: str, http: httpx.Client) -> None:
        self.base_url = base_url
        self._http = http

    def config(self, **overrides: Any) -> MuxConfig:
        return client_config(self.base_url, **overrides)

    def state(self) -> dict[str, Any]:
        response = self._http.get("/sandbox/mux/state")
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def uploads(self) -> list[dict[str, Any]]:
        uploads: list[dict[str, Any]] = self.state()["uploads"]
        return uploads

    def live_streams(self) -> list[dict[str, Any]]:
        streams: list[dict[str, Any]] = self.state()["live_streams"]
        return streams

    def calls(self) -> list[tuple[str, str, int]]:
        """(method, path, status) of every Mux API call, oldest first."""
        return [(c["method"], c["path"], c["status_code"]) for c in self.state()["calls"]]

    def upload(self, upload_id: str) -> dict[str, Any]:
        [found] = [upload for upload in self.uploads() if upload["id"] == upload_id]
        return found

    def put_file(self, url: str, content: bytes = b"\x00\x00\x00\x18ftypmp42") -> httpx.Response:
        """What the browser does with a direct-upload URL."""
        return self._http.put(url, content=content)

    def mark_ready(self, asset_id: str, **changes: Any) -> dict[str, Any]:
        response = self._http.post(f"/sandbox/mux/assets/{asset_id}/ready", json=changes or None)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def mark_errored(self, asset_id: str, *messages: str) -> dict[str, Any]:
        body = {"messages": list(messages)} if messages else None
        response = self._http.post(f"/sandbox/mux/assets/{asset_id}/errored", json=body)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def assets(self) -> list[dict[str, Any]]:
        assets: list[dict[str, Any]] = self.state()["assets"]
        return assets

    def asset_with_passthrough(self, passthrough: str) -> dict[str, Any]:
        [found] = [asset for asset in self.assets() if asset.get("passthrough") == passthrough]
        return found

    def live_step(self, live_stream_id: str, step: str, **changes: Any) -> dict[str, Any]:
        """What the streamer's software does: connected, recording, active, disconnected, idle."""
        response = self._http.post(
            f"/sandbox/mux/live-streams/{live_stream_id}/{step}", json=changes or None
        )
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def deliver_webhooks(
        self,
        url: str,
        *secrets: str,
        retry_delays_seconds: list[float] | None = None,
        duplicates: int = 0,
        hold: bool = False,
    ) -> None:
        """Send every following event to ``url``, signed with ``secrets`` (one v1 each)."""
        plan = {
            "url": url,
            "secrets": list(secrets),
            "retry_delays_seconds": retry_delays_seconds or [],
            "duplicates": duplicates,
            "hold": hold,
        }
        self._http.put("/sandbox/mux/webhook", json=plan).raise_for_status()

    def deliveries(self) -> list[dict[str, Any]]:
        response = self._http.get("/sandbox/mux/webhook/deliveries")
        response.raise_for_status()
        result: list[dict[str, Any]] = response.json()
        return result

    def release(self, order: str = "as_emitted") -> list[dict[str, Any]]:
        """Send the held events now, one after the other; returns their deliveries."""
        response = self._http.post("/sandbox/mux/webhook/release", json={"order": order})
        response.raise_for_status()
        result: list[dict[str, Any]] = response.json()
        return result

    def fail_next(
        self, count: int, status: int, *, retry_after_seconds: float | None = None
    ) -> None:
        self.set_faults(fail_next=count, status=status, retry_after_seconds=retry_after_seconds)

    def delay(self, seconds: float) -> None:
        self.set_faults(delay_seconds=seconds)

    def set_faults(self, **plan: Any) -> None:
        self._http.post("/sandbox/mux/faults", json=plan).raise_for_status()

    def clear(self) -> None:
        self._http.delete("/sandbox/mux/state").raise_for_status()


@contextmanager
def emptied(sandbox_url: str) -> Iterator[MuxSandbox]:
    """An emptied fake Mux (no objects, calls or faults) for one test."""
    with httpx.Client(base_url=sandbox_url, timeout=10) as http:
        sandbox = MuxSandbox(sandbox_url, http)
        sandbox.clear()
        yield sandbox
