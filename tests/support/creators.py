"""A user becomes a creator the way the web app does it, and a creator's profile images."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from pickey_core.models import MediaAsset, MediaKind, MediaStatus
from pickey_core.resources import Resources


def profile(slug: str | None = "gordikey", **fields: Any) -> dict[str, Any]:
    return {"slug": slug, "display_name": "Gordíkey", "bio": "Pes.", **fields}


def _creators_path(client: httpx.AsyncClient) -> str:
    """Clients of the in-process app have the bare host as base URL; clients of a running stack
    (``tests/e2e``) already point at ``/api/v1``."""
    api = "/api/v1"
    return "/creators" if client.base_url.path.rstrip("/").endswith(api) else f"{api}/creators"


async def become_creator(client: httpx.AsyncClient, slug: str = "gordikey") -> httpx.Response:
    """POST /creators and follow the session rotation, as the web app does (new CSRF cookie).
    The user's email must be verified (creator actions need it)."""
    response = await client.post(_creators_path(client), json=profile(slug))
    assert response.status_code == 201, response.text
    client.headers["X-CSRF-Token"] = response.cookies["pickey_csrf"]
    return response


async def image(resources: Resources, owner_id: uuid.UUID, **fields: Any) -> uuid.UUID:
    """A ready image asset of ``owner_id`` (an avatar or cover to be)."""
    async with resources.unit_of_work() as session:
        asset = MediaAsset(
            owner_id=owner_id,
            kind=fields.pop("kind", MediaKind.IMAGE),
            status=fields.pop("status", MediaStatus.READY),
            original_key="originals/abc",
            width=800,
            height=800,
            variants=fields.pop(
                "variants",
                {"320w.webp": {"key": "variants/abc-320.webp", "width": 320, "height": 320}},
            ),
            **fields,
        )
        session.add(asset)
    return asset.id
