"""Publishing: now or scheduled, on time by the api worker, visible once media is ready, and
announced exactly once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.posts.tasks import publish_due_posts
from pickey_api.settings import ApiSettings
from pickey_api.worker import api_worker
from pickey_api.worker_resources import ApiWorkerResources
from pickey_core.models import (
    MediaAsset,
    MediaStatus,
    OutboxMessage,
    Post,
    PostAccess,
    PostKind,
    PostStatus,
)
from pickey_core.post_readiness import settle_media_change
from pickey_core.queue.contracts import AnnounceNewPost
from pickey_core.queue.worker import JobContext
from pickey_core.resources import Resources
from pickey_core.settings import WorkerConfig
from tests.support.db import all_rows
from tests.support.errors import assert_error
from tests.support.posts import (
    POSTS,
    Author,
    Login,
    create,
    image,
    new_author,
    publish,
)
from tests.support.workers import drain
from tests.support.workers import job_context as context_for


async def announcements(resources: Resources) -> list[str]:
    """Post ids of the AnnounceNewPost jobs in the outbox."""
    rows = await all_rows(
        resources, OutboxMessage, OutboxMessage.job_name == AnnounceNewPost.job_name
    )
    return [row.payload["post_id"] for row in rows]


async def schedule(author: Author, post_id: str, at: datetime) -> httpx.Response:
    return await author.client.post(
        f"{POSTS}/{post_id}/publish", json={"publish_at": at.isoformat()}
    )


async def make_due(resources: Resources, post_id: str) -> None:
    """Move a scheduled post's time into the past (instead of waiting for it)."""
    async with resources.unit_of_work() as session:
        await session.execute(
            update(Post)
            .where(Post.id == uuid.UUID(post_id))
            .values(publish_at=datetime.now(UTC) - timedelta(seconds=1))
        )


async def post_row(resources: Resources, post_id: str) -> Post:
    [row] = await all_rows(resources, Post, Post.id == uuid.UUID(post_id))
    return row


async def media_changed(session: AsyncSession, post_id: str) -> bool:
    """What the media service runs when an asset of the post changed state (post row locked)."""
    post = await session.get(Post, uuid.UUID(post_id), with_for_update=True)
    assert post is not None
    return await settle_media_change(session, post, datetime.now(UTC))


def job_context(resources: Resources) -> JobContext[ApiWorkerResources]:
    return context_for(resources, ApiWorkerResources(resources.settings))  # type: ignore[arg-type]


async def test_publishing_now_makes_the_post_visible_and_announces_it_once(
    author: Author, api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    created = await create(author)

    published = await publish(author, created["id"])

    assert published["status"] == "published"
    assert published["published_at"] is not None
    assert published["editing"]["announced"] is True
    assert (await api_client.get(f"{POSTS}/{created['id']}")).status_code == 200
    assert await announcements(api_resources) == [created["id"]]

    again = await author.client.post(f"{POSTS}/{created['id']}/publish")

    assert_error(again, 409, "already_published")
    assert await announcements(api_resources) == [created["id"]]


async def test_a_scheduled_post_stays_hidden_until_the_worker_publishes_it(
    author: Author, api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    created = await create(author)
    at = datetime.now(UTC) + timedelta(hours=2)

    response = await schedule(author, created["id"], at)

    assert response.status_code == 200, response.text
    scheduled = response.json()
    assert scheduled["status"] == "scheduled"
    assert datetime.fromisoformat(scheduled["editing"]["publish_at"]) == at
    assert_error(await api_client.get(f"{POSTS}/{created['id']}"), 404, "post_not_found")
    assert await publish_due_posts(job_context(api_resources)) == 0  # not due yet
    assert (await post_row(api_resources, created["id"])).status is PostStatus.SCHEDULED
    assert await announcements(api_resources) == []

    await make_due(api_resources, created["id"])
    assert await publish_due_posts(job_context(api_resources)) == 1

    row = await post_row(api_resources, created["id"])
    assert row.status is PostStatus.PUBLISHED
    assert row.published_at is not None
    assert row.announced_at is not None
    assert (await api_client.get(f"{POSTS}/{created['id']}")).status_code == 200
    assert await announcements(api_resources) == [created["id"]]
    assert await publish_due_posts(job_context(api_resources)) == 0  # a rerun does nothing
    assert await announcements(api_resources) == [created["id"]]


async def test_the_api_worker_publishes_due_posts(
    author: Author, api_settings: ApiSettings, api_resources: Resources
) -> None:
    created = await create(author)
    assert (
        await schedule(author, created["id"], datetime.now(UTC) + timedelta(hours=1))
    ).status_code == 200
    await make_due(api_resources, created["id"])

    quiet = WorkerConfig(metrics_port=0, poll_delay_seconds=0.05)
    await drain(api_worker(api_settings.model_copy(update={"worker": quiet})))

    assert (await post_row(api_resources, created["id"])).status is PostStatus.PUBLISHED
    assert await announcements(api_resources) == [created["id"]]


async def test_concurrent_runs_publish_each_post_once(
    author: Author, api_resources: Resources
) -> None:
    ids = []
    for _ in range(30):
        created = await create(author)
        assert (
            await schedule(author, created["id"], datetime.now(UTC) + timedelta(hours=1))
        ).status_code == 200
        await make_due(api_resources, created["id"])
        ids.append(created["id"])

    counts = await asyncio.gather(
        *(publish_due_posts(job_context(api_resources)) for _ in range(3))
    )

    assert sum(counts) == 30
    assert sorted(await announcements(api_resources)) == sorted(ids)


async def test_many_due_posts_are_published_in_batches(
    author: Author, api_resources: Resources
) -> None:
    async with api_resources.unit_of_work() as session:
        session.add_all(
            Post(
                creator_id=author.creator.id,
                kind=PostKind.TEXT,
                status=PostStatus.SCHEDULED,
                access=PostAccess.PUBLIC,
                title=f"Post {n}",
                media_ready=True,
                publish_at=datetime.now(UTC) - timedelta(minutes=n),
            )
            for n in range(250)
        )

    assert await publish_due_posts(job_context(api_resources)) == 250

    assert len(await announcements(api_resources)) == 250


async def test_a_scheduled_post_can_go_back_to_draft(
    author: Author, api_resources: Resources
) -> None:
    created = await create(author)
    await schedule(author, created["id"], datetime.now(UTC) + timedelta(hours=1))

    response = await author.client.post(f"{POSTS}/{created['id']}/unschedule")

    assert response.status_code == 200, response.text
    assert response.json()["status"] == "draft"
    assert response.json()["editing"]["publish_at"] is None
    await make_due(api_resources, created["id"])
    assert await publish_due_posts(job_context(api_resources)) == 0
    again = await author.client.post(f"{POSTS}/{created['id']}/unschedule")
    assert_error(again, 409, "not_scheduled")


async def test_a_deleted_scheduled_post_is_never_published(
    author: Author, api_resources: Resources
) -> None:
    created = await create(author)
    await schedule(author, created["id"], datetime.now(UTC) + timedelta(hours=1))
    assert (await author.client.delete(f"{POSTS}/{created['id']}")).status_code == 204
    await make_due(api_resources, created["id"])

    assert await publish_due_posts(job_context(api_resources)) == 0

    assert (await post_row(api_resources, created["id"])).status is PostStatus.SCHEDULED
    assert await announcements(api_resources) == []


async def test_a_past_publish_at_publishes_now(author: Author, api_resources: Resources) -> None:
    created = await create(author)

    response = await schedule(author, created["id"], datetime.now(UTC) - timedelta(hours=1))

    assert response.json()["status"] == "published"
    assert await announcements(api_resources) == [created["id"]]


async def test_rescheduling_moves_the_time(author: Author, api_resources: Resources) -> None:
    created = await create(author)
    await schedule(author, created["id"], datetime.now(UTC) + timedelta(hours=1))
    later = datetime.now(UTC) + timedelta(days=2)

    response = await schedule(author, created["id"], later)

    assert datetime.fromisoformat(response.json()["editing"]["publish_at"]) == later
    assert (await post_row(api_resources, created["id"])).publish_at == later


async def test_bad_schedules_are_refused(author: Author, api_resources: Resources) -> None:
    created = await create(author)
    poll = await create(
        author,
        kind="poll",
        poll={
            "options": ["a", "b"],
            "closes_at": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
        },
    )
    url = f"{POSTS}/{created['id']}/publish"

    cases = [
        (
            await schedule(author, created["id"], datetime.now(UTC) + timedelta(days=400)),
            422,
            "invalid_schedule",
        ),
        (
            await author.client.post(url, json={"publish_at": "2099-01-01T10:00:00"}),
            422,
            "validation_error",
        ),
        (await author.client.post(url, json={"publish_at": "tomorrow"}), 422, "validation_error"),
        (await author.client.post(url, json={"status": "published"}), 422, "validation_error"),
        (
            await schedule(author, poll["id"], datetime.now(UTC) + timedelta(hours=2)),
            422,
            "invalid_closes_at",
        ),
        (await author.client.post(f"{POSTS}/{uuid.uuid4()}/publish"), 404, "post_not_found"),
    ]

    for response, status, code in cases:
        assert_error(response, status, code)
    assert {row.status for row in await all_rows(api_resources, Post)} == {PostStatus.DRAFT}
    assert await announcements(api_resources) == []


async def test_a_photo_post_appears_and_is_announced_when_its_media_is_ready(
    author: Author, api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    ready = await image(api_resources, author.user.id)
    processing = await image(api_resources, author.user.id, status=MediaStatus.PROCESSING)
    created = await create(author, kind="photo", media_asset_ids=[str(ready), str(processing)])

    published = await publish(author, created["id"])

    assert published["status"] == "published"
    assert published["editing"]["media_ready"] is False
    assert published["editing"]["announced"] is False
    assert_error(await api_client.get(f"{POSTS}/{created['id']}"), 404, "post_not_found")
    assert await announcements(api_resources) == []

    # What the media service does when it finishes the last image.
    async with api_resources.unit_of_work() as session:
        asset = await session.get(MediaAsset, processing)
        assert asset is not None
        asset.status = MediaStatus.READY
        await session.flush()
        assert await media_changed(session, created["id"]) is True

    seen = await api_client.get(f"{POSTS}/{created['id']}")
    assert seen.status_code == 200
    assert len(seen.json()["media"]) == 2
    assert await announcements(api_resources) == [created["id"]]
    async with api_resources.unit_of_work() as session:
        assert await media_changed(session, created["id"]) is True
    assert await announcements(api_resources) == [created["id"]]


async def test_a_failed_image_keeps_the_post_hidden(
    author: Author, api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    processing = await image(api_resources, author.user.id, status=MediaStatus.PROCESSING)
    created = await create(author, kind="photo", media_asset_ids=[str(processing)])
    await publish(author, created["id"])

    async with api_resources.unit_of_work() as session:
        asset = await session.get(MediaAsset, processing)
        assert asset is not None
        asset.status = MediaStatus.FAILED
        await session.flush()
        assert await media_changed(session, created["id"]) is False

    assert_error(await api_client.get(f"{POSTS}/{created['id']}"), 404, "post_not_found")
    assert await announcements(api_resources) == []


async def test_a_video_post_without_its_video_is_published_but_not_shown(
    author: Author, api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    created = await create(author, kind="video")

    await publish(author, created["id"])

    assert_error(await api_client.get(f"{POSTS}/{created['id']}"), 404, "post_not_found")
    assert await announcements(api_resources) == []
    async with api_resources.unit_of_work() as session:
        assert await media_changed(session, created["id"]) is False


async def test_editing_a_published_post_never_announces_it_again(
    author: Author, api_resources: Resources
) -> None:
    first = await image(api_resources, author.user.id)
    created = await create(author, kind="photo", media_asset_ids=[str(first)])
    await publish(author, created["id"])
    second = await image(api_resources, author.user.id, status=MediaStatus.PROCESSING)

    hidden = await author.client.patch(
        f"{POSTS}/{created['id']}", json={"media_asset_ids": [str(first), str(second)]}
    )
    assert hidden.json()["editing"]["media_ready"] is False
    async with api_resources.unit_of_work() as session:
        asset = await session.get(MediaAsset, second)
        assert asset is not None
        asset.status = MediaStatus.READY
        await session.flush()
        await media_changed(session, created["id"])

    assert await announcements(api_resources) == [created["id"]]


async def test_only_the_creator_publishes(
    author: Author, login: Login, api_resources: Resources
) -> None:
    created = await create(author)
    other = await new_author(login, api_resources)

    response = await other.client.post(f"{POSTS}/{created['id']}/publish")

    assert_error(response, 404, "post_not_found")
    assert (await post_row(api_resources, created["id"])).status is PostStatus.DRAFT
    assert await announcements(api_resources) == []
