"""Over HTTP against a real api process: sign up → become a creator → create tiers → publish a
public and a member-only post → a second user follows, sees the teaser, cannot read the body."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.support.e2e_accounts import created, signed_in
from tests.support.processes import running_all, web
from tests.support.settings import TestEnvironment

SECRET_BODY = "Gordíkey's secret steak recipe: only for Na steaky members."


def test_creator_publishes_and_a_follower_sees_only_the_teaser(
    test_env: TestEnvironment, clean_state: None, tmp_path: Path
) -> None:
    api, base_url = web("api")
    # Plain http on localhost: the cookies must not be Secure-only, as in `just dev`.
    env = {**test_env.variables(), "PICKEY_SESSION__COOKIE_SECURE": "false"}

    with running_all([api], env=env, log_dir=tmp_path):
        creator = signed_in(base_url, "gordikey@example.cz", "Gordíkey", test_env.database_url)
        old_session = creator.cookies["pickey_session"]
        created(
            creator.post(
                "/creators",
                json={"slug": "gordikey", "display_name": "Gordíkey", "bio": "Pes a tvůrce."},
            )
        )
        # Becoming a creator is a privilege change: a new session id and CSRF token.
        assert creator.cookies["pickey_session"] != old_session
        creator.headers["X-CSRF-Token"] = creator.cookies["pickey_csrf"]

        tiers = {
            name: created(
                creator.post(
                    "/creators/me/tiers",
                    json={"name": name, "price_amount": price, "currency": "CZK"},
                )
            )
            for name, price in [
                ("Na granulkey", 5900),
                ("Na steaky", 9900),
                ("Na věčná loviště", 19900),
            ]
        }
        public = created(
            creator.post(
                "/posts", json={"kind": "text", "title": "Ahoj!", "body": "Hello, everyone."}
            )
        )
        members_only = created(
            creator.post(
                "/posts",
                json={
                    "kind": "text",
                    "title": "Steak night",
                    "body": SECRET_BODY,
                    "access": "members",
                    "tier_ids": [tiers["Na steaky"]["id"]],
                },
            )
        )
        for post in (public, members_only):
            published = created(creator.post(f"/posts/{post['id']}/publish"))
            assert published["status"] == "published"

        fan = signed_in(base_url, "fan@example.cz", "Fanoušek", test_env.database_url)
        assert fan.put("/creators/gordikey/follow").status_code == 204

        feed = created(fan.get("/feed"))
        by_title = {item["title"]: item for item in feed["items"]}  # type: ignore[index]
        assert set(by_title) == {"Ahoj!", "Steak night"}
        assert by_title["Ahoj!"]["body"] == "Hello, everyone."
        teaser = by_title["Steak night"]
        assert teaser["viewer_access"] == "teaser"
        assert teaser["body"] is None
        assert [tier["name"] for tier in teaser["unlocking_tiers"]] == ["Na steaky"]

        single = fan.get(f"/posts/{members_only['id']}")
        assert single.status_code == 200
        assert single.json()["viewer_access"] == "teaser"
        assert SECRET_BODY not in single.text
        assert SECRET_BODY not in fan.get("/feed").text
        assert fan.get(f"/posts/{members_only['id']}/comments").status_code == 403

        page = created(httpx.get(f"{base_url}/api/v1/creators/gordikey"))
        assert [tier["name"] for tier in page["tiers"]] == list(tiers)  # type: ignore[index]
        assert page["counts"]["followers"] == 1  # type: ignore[index]

        owner_view = created(creator.get(f"/posts/{members_only['id']}"))
        assert owner_view["body"] == SECRET_BODY
        assert owner_view["viewer_access"] == "owner"
