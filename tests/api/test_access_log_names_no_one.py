"""The access log names no one: a creator's page slug (often the creator's name) is logged as
``{slug}``, so deleting the account leaves no name in the logs we write."""

from __future__ import annotations

import httpx

from pickey_core.models import User
from pickey_core.resources import Resources
from tests.support import factories
from tests.support.logs import captured_logs


async def test_the_access_log_shows_the_route_not_the_slug(
    api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    async with api_resources.unit_of_work() as session:
        owner: User = await factories.user(session)
        await factories.creator(session, owner, slug="zdenka-malirka")

    with captured_logs() as entries:
        page = await api_client.get("/api/v1/creators/zdenka-malirka")
        posts = await api_client.get("/api/v1/creators/zdenka-malirka/posts")

    assert (page.status_code, posts.status_code) == (200, 200)
    paths = [entry["path"] for entry in entries if entry.get("event") == "request"]
    assert paths == ["/api/v1/creators/{slug}", "/api/v1/creators/{slug}/posts"]
    assert "zdenka-malirka" not in str(entries)
