"""The shared error shape every refusal answers with: ``{"error": {"code": ..., ...}}``."""

from __future__ import annotations

import httpx


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code, response.text
