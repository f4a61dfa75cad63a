"""Voting in polls: one vote per fan, only for entitled fans, results as the creator chose."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import update

from pickey_core.models import Poll, PollVote
from pickey_core.resources import Resources
from tests.support.db import all_rows, count
from tests.support.errors import assert_error
from tests.support.posts import (
    POSTS,
    Author,
    Login,
    create,
    fan,
    publish,
)


async def poll_post(author: Author, publish_it: bool = True, **poll: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if "access" in poll:
        fields["access"] = poll.pop("access")
        fields["tier_ids"] = poll.pop("tier_ids")
    created = await create(
        author,
        kind="poll",
        title="Co k večeři?",
        poll={"options": ["Granule", "Steak", "Klacek"], **poll},
        **fields,
    )
    return await publish(author, created["id"]) if publish_it else created


def option(post: dict[str, Any], text: str) -> str:
    return str(next(o["id"] for o in post["poll"]["options"] if o["text"] == text))


async def vote(client: httpx.AsyncClient, post_id: str, option_id: str) -> httpx.Response:
    return await client.put(f"{POSTS}/{post_id}/vote", json={"option_id": option_id})


async def close_now(resources: Resources, post_id: str) -> None:
    async with resources.unit_of_work() as session:
        await session.execute(
            update(Poll)
            .where(Poll.post_id == uuid.UUID(post_id))
            .values(closes_at=datetime.now(UTC) - timedelta(seconds=1))
        )


async def test_a_follower_votes_once_and_then_sees_the_results(
    author: Author, login: Login, api_resources: Resources
) -> None:
    post = await poll_post(author, results_visibility="after_vote")
    follower = await fan(login, api_resources, follows=author.creator)
    before = (await follower.client.get(f"{POSTS}/{post['id']}")).json()["poll"]
    assert before["results_visible"] is False
    assert before["can_vote"] is True
    assert {o["votes"] for o in before["options"]} == {None}
    assert before["total_votes"] is None

    response = await vote(follower.client, post["id"], option(post, "Steak"))

    assert response.status_code == 200, response.text
    after = response.json()
    assert after["viewer_option_id"] == option(post, "Steak")
    assert after["results_visible"] is True
    assert after["can_vote"] is False
    assert after["total_votes"] == 1
    assert {o["text"]: o["votes"] for o in after["options"]} == {
        "Granule": 0,
        "Steak": 1,
        "Klacek": 0,
    }
    [row] = await all_rows(api_resources, PollVote)
    assert (row.user_id, str(row.option_id)) == (follower.id, option(post, "Steak"))


async def test_repeating_a_vote_is_harmless_and_changing_it_is_refused(
    author: Author, login: Login, api_resources: Resources
) -> None:
    post = await poll_post(author)
    follower = await fan(login, api_resources)

    first = await vote(follower.client, post["id"], option(post, "Steak"))
    again = await vote(follower.client, post["id"], option(post, "Steak"))
    other = await vote(follower.client, post["id"], option(post, "Klacek"))

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["total_votes"] == 1
    assert_error(other, 409, "already_voted")
    [row] = await all_rows(api_resources, PollVote)
    assert str(row.option_id) == option(post, "Steak")


async def test_two_racing_votes_of_one_fan_count_once(
    author: Author, login: Login, api_resources: Resources
) -> None:
    post = await poll_post(author)
    follower = await fan(login, api_resources)

    responses = await asyncio.gather(
        vote(follower.client, post["id"], option(post, "Steak")),
        vote(follower.client, post["id"], option(post, "Klacek")),
    )

    assert sorted(r.status_code for r in responses) == [200, 409]
    assert await count(api_resources, PollVote) == 1


async def test_votes_of_many_fans_add_up(
    author: Author, login: Login, api_resources: Resources
) -> None:
    post = await poll_post(author)
    for choice in ["Steak", "Steak", "Klacek"]:
        voter = await fan(login, api_resources)
        assert (await vote(voter.client, post["id"], option(post, choice))).status_code == 200

    seen = (await author.client.get(f"{POSTS}/{post['id']}")).json()["poll"]

    assert {o["text"]: o["votes"] for o in seen["options"]} == {
        "Granule": 0,
        "Steak": 2,
        "Klacek": 1,
    }
    assert seen["total_votes"] == 3


async def test_non_members_cannot_vote_in_a_members_poll(
    author: Author, login: Login, api_resources: Resources
) -> None:
    post = await poll_post(author, access="members", tier_ids=[str(author.steaky.id)])
    follower = await fan(login, api_resources, follows=author.creator)
    granulky_member = await fan(login, api_resources, member_of=author.granulky)
    steaky_member = await fan(login, api_resources, member_of=author.steaky)
    steak = option(post, "Steak")

    for outsider in (follower, granulky_member):
        assert_error(await vote(outsider.client, post["id"], steak), 403, "not_entitled")
    assert await count(api_resources, PollVote) == 0

    assert (await vote(steaky_member.client, post["id"], steak)).status_code == 200
    assert await count(api_resources, PollVote) == 1


async def test_the_creator_does_not_vote(author: Author, api_resources: Resources) -> None:
    post = await poll_post(author)

    response = await vote(author.client, post["id"], option(post, "Steak"))

    assert_error(response, 403, "own_poll")
    assert await count(api_resources, PollVote) == 0


async def test_a_closed_poll_takes_no_votes_and_shows_its_results(
    author: Author, login: Login, api_resources: Resources
) -> None:
    post = await poll_post(
        author,
        results_visibility="after_close",
        closes_at=(datetime.now(UTC) + timedelta(days=1)).isoformat(),
    )
    follower = await fan(login, api_resources)
    assert (await vote(follower.client, post["id"], option(post, "Steak"))).status_code == 200
    late = await fan(login, api_resources)
    open_view = (await late.client.get(f"{POSTS}/{post['id']}")).json()["poll"]
    assert (open_view["closed"], open_view["results_visible"]) == (False, False)
    voted_view = (await follower.client.get(f"{POSTS}/{post['id']}")).json()["poll"]
    assert voted_view["results_visible"] is False  # after_close: not even after voting
    await close_now(api_resources, post["id"])

    response = await vote(late.client, post["id"], option(post, "Klacek"))

    assert_error(response, 409, "poll_closed")
    assert await count(api_resources, PollVote) == 1
    closed_view = (await late.client.get(f"{POSTS}/{post['id']}")).json()["poll"]
    assert (closed_view["closed"], closed_view["results_visible"]) == (True, True)
    assert closed_view["can_vote"] is False
    assert closed_view["total_votes"] == 1


async def test_results_shown_always_are_seen_by_anonymous_readers_of_public_polls(
    author: Author, login: Login, api_resources: Resources, api_client: httpx.AsyncClient
) -> None:
    post = await poll_post(author, results_visibility="always")
    voter = await fan(login, api_resources)
    await vote(voter.client, post["id"], option(post, "Granule"))

    seen = (await api_client.get(f"{POSTS}/{post['id']}")).json()["poll"]

    assert seen["results_visible"] is True
    assert seen["total_votes"] == 1
    assert seen["can_vote"] is False  # log in to vote


async def test_teasers_never_carry_results(
    author: Author, login: Login, api_resources: Resources, api_client: httpx.AsyncClient
) -> None:
    post = await poll_post(
        author, results_visibility="always", access="members", tier_ids=[str(author.steaky.id)]
    )
    member = await fan(login, api_resources, member_of=author.steaky)
    assert (await vote(member.client, post["id"], option(post, "Steak"))).status_code == 200

    for client in (api_client, (await fan(login, api_resources, follows=author.creator)).client):
        teaser = (await client.get(f"{POSTS}/{post['id']}")).json()
        assert teaser["viewer_access"] == "teaser"
        assert teaser["poll"] is None
        assert "votes" not in str(teaser)


async def test_refusals(
    author: Author, login: Login, api_resources: Resources, api_client: httpx.AsyncClient
) -> None:
    post = await poll_post(author)
    other_poll = await poll_post(author)
    text_post = await publish(author, (await create(author))["id"])
    draft = await poll_post(author, publish_it=False)
    follower = await fan(login, api_resources)
    url = f"{POSTS}/{post['id']}/vote"

    cases = [
        (
            await vote(follower.client, post["id"], option(other_poll, "Steak")),
            422,
            "unknown_option",
        ),
        (await vote(follower.client, post["id"], str(uuid.uuid4())), 422, "unknown_option"),
        (await vote(follower.client, text_post["id"], str(uuid.uuid4())), 404, "poll_not_found"),
        (await vote(follower.client, draft["id"], option(draft, "Steak")), 404, "poll_not_found"),
        (await vote(follower.client, str(uuid.uuid4()), str(uuid.uuid4())), 404, "poll_not_found"),
        (
            await follower.client.put(
                f"{POSTS}/not-a-uuid/vote", json={"option_id": option(post, "Steak")}
            ),
            422,
            "validation_error",
        ),
        (await follower.client.put(url, json={"option_id": "steak"}), 422, "validation_error"),
        (await follower.client.put(url, json={}), 422, "validation_error"),
        (
            await follower.client.put(
                url, json={"option_id": option(post, "Steak"), "user_id": str(author.user.id)}
            ),
            422,
            "validation_error",
        ),
        (
            await follower.client.put(
                url, json={"option_id": option(post, "Steak")}, headers={"X-CSRF-Token": "no"}
            ),
            403,
            "csrf_failed",
        ),
    ]
    anonymous = await vote(api_client, post["id"], option(post, "Steak"))
    cases.append((anonymous, 401, "not_authenticated"))

    for response, status, code in cases:
        assert_error(response, status, code)
    assert await count(api_resources, PollVote) == 0
