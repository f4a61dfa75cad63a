"""Post rules: who may write, what a post may contain, the lifecycle, the announcement.

Flushes, never commits: the request (or job) boundary commits.

Lifecycle: a post is created as a draft; ``publish`` publishes it now or schedules it
(``publish_at`` in the future; the api worker publishes it when due); ``unschedule`` takes a
scheduled post back to draft; ``delete`` is soft (``deleted_at``: payments and unlocks keep
pointing at the row). A published post is visible to others once its media is ready
(``media_ready``), and the new-post announcement is enqueued once, the first time the post is
both published and ready (``announced_at``). Every write also bumps the creator's
``posts_version``, the key of the cached public post list.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.polls import service as polls
from pickey_api.post_access.gate import KindMismatch, own_post
from pickey_api.posts import repository
from pickey_api.posts.schemas import PostCreate, PostUpdate, Price
from pickey_api.uploads import repository as uploads_repository
from pickey_core import post_readiness
from pickey_core.errors import Conflict, InvalidInput
from pickey_core.http.creators import require_creator
from pickey_core.models import (
    Creator,
    LiveState,
    LiveStream,
    MediaStatus,
    Post,
    PostAccess,
    PostKind,
    PostStatus,
)

# Far enough for any campaign, near enough that a typo in the year is caught.
MAX_SCHEDULE_AHEAD = timedelta(days=366)


class InvalidAccess(InvalidInput):
    code = "invalid_access"


class UnknownTier(InvalidInput):
    code = "unknown_tier"


class InvalidMedia(InvalidInput):
    code = "invalid_media"


class UnknownMediaAsset(InvalidInput):
    code = "unknown_media_asset"


class MediaAssetInUse(Conflict):
    code = "media_asset_in_use"


class InvalidSchedule(InvalidInput):
    code = "invalid_schedule"


class AlreadyPublished(Conflict):
    code = "already_published"


class NotScheduled(Conflict):
    code = "not_scheduled"


class PollLocked(Conflict):
    code = "poll_locked"


@dataclass(frozen=True)
class AccessSettings:
    access: PostAccess
    tier_ids: list[uuid.UUID]
    min_tier_price: int | None
    unlock_price: Price | None


async def create_post(
    session: AsyncSession, user_id: uuid.UUID, data: PostCreate, now: datetime
) -> Post:
    creator = await require_creator(session, user_id)
    settings = _check_access(
        AccessSettings(data.access, data.tier_ids, data.min_tier_price, data.unlock_price)
    )
    await _check_tiers(session, creator, settings.tier_ids)
    _check_media_count(data.kind, data.media_asset_ids)
    if data.live is not None:
        _check_live_start(data.live.scheduled_start_at, now)
    post = Post(
        creator_id=creator.id,
        kind=data.kind,
        status=PostStatus.DRAFT,
        title=data.title,
        body=data.body,
    )
    _apply_access(post, settings)
    session.add(post)
    await session.flush()
    await repository.replace_listed_tiers(session, post.id, settings.tier_ids)
    await _attach_media(session, creator, post, data.media_asset_ids)
    if data.poll is not None:
        await polls.replace_poll(session, post, data.poll, now)
    if data.live is not None:
        session.add(
            LiveStream(
                post_id=post.id,
                scheduled_start_at=data.live.scheduled_start_at,
                state=LiveState.IDLE,
            )
        )
    post.media_ready = await post_readiness.media_ready(session, post)
    await _changed(session, creator.id)
    await session.refresh(post)
    return post


async def update_post(
    session: AsyncSession, user_id: uuid.UUID, post_id: uuid.UUID, data: PostUpdate, now: datetime
) -> Post:
    creator, post = await own_post(session, user_id, post_id)
    given = data.model_fields_set
    if data.title is not None:
        post.title = data.title
    if data.body is not None:
        post.body = data.body
    if given & {"access", "tier_ids", "min_tier_price", "unlock_price"}:
        settings = _check_access(await _merged_access(session, post, data))
        await _check_tiers(session, creator, settings.tier_ids)
        _apply_access(post, settings)
        await repository.replace_listed_tiers(session, post.id, settings.tier_ids)
    if data.media_asset_ids is not None:
        _check_media_count(post.kind, data.media_asset_ids)
        await _attach_media(session, creator, post, data.media_asset_ids)
    if data.poll is not None:
        if post.kind is not PostKind.POLL:
            raise KindMismatch("Only poll posts have a poll.")
        if post.status is PostStatus.PUBLISHED:
            raise PollLocked("A published poll cannot change: fans may have voted.")
        await polls.replace_poll(session, post, data.poll, now, opens_at=post.publish_at)
    if data.live is not None:
        if post.kind is not PostKind.LIVE:
            raise KindMismatch("Only live posts have a stream start.")
        _check_live_start(data.live.scheduled_start_at, now)
        stream = await uploads_repository.live_stream(session, post.id)
        assert stream is not None
        stream.scheduled_start_at = data.live.scheduled_start_at
    await _refresh_readiness(session, post, now)
    await _changed(session, creator.id)
    await session.refresh(post)
    return post


async def delete_post(
    session: AsyncSession, user_id: uuid.UUID, post_id: uuid.UUID, now: datetime
) -> Creator:
    """Soft-delete the post; returns its creator (whose cached page changes)."""
    creator, post = await own_post(session, user_id, post_id)
    post.deleted_at = now
    await _changed(session, creator.id)
    return creator


async def publish_post(
    session: AsyncSession,
    user_id: uuid.UUID,
    post_id: uuid.UUID,
    publish_at: datetime | None,
    now: datetime,
) -> Post:
    """Publish now, or schedule for ``publish_at`` when it lies in the future."""
    creator, post = await own_post(session, user_id, post_id)
    if post.status is PostStatus.PUBLISHED:
        raise AlreadyPublished("The post is already published.")
    if publish_at is not None and publish_at > now:
        if publish_at > now + MAX_SCHEDULE_AHEAD:
            raise InvalidSchedule("Posts can be scheduled at most a year ahead.")
        await polls.check_post_poll_open_at(session, post, publish_at)
        post.status = PostStatus.SCHEDULED
        post.publish_at = publish_at
    else:
        await polls.check_post_poll_open_at(session, post, now)
        _publish(session, post, now)
    await _changed(session, creator.id)
    await session.refresh(post)
    return post


async def unschedule_post(session: AsyncSession, user_id: uuid.UUID, post_id: uuid.UUID) -> Post:
    creator, post = await own_post(session, user_id, post_id)
    if post.status is not PostStatus.SCHEDULED:
        raise NotScheduled("Only a scheduled post can go back to draft.")
    post.status = PostStatus.DRAFT
    post.publish_at = None
    await _changed(session, creator.id)
    await session.refresh(post)
    return post


async def publish_due(session: AsyncSession, now: datetime, limit: int) -> list[Post]:
    """Publish up to ``limit`` scheduled posts whose time has come; returns them.

    The rows are locked with SKIP LOCKED, so concurrent runs (two workers, a slow previous run)
    split the work instead of waiting or publishing twice; a post already published is no
    longer selected, so a repeated run does nothing.
    """
    due = await repository.due_scheduled_posts(session, now, limit)
    for post in due:
        _publish(session, post, now)
    await _changed(session, {post.creator_id for post in due})
    return due


def _publish(session: AsyncSession, post: Post, now: datetime) -> None:
    post.status = PostStatus.PUBLISHED
    post.published_at = now
    post_readiness.announce_if_listed(session, post, now)


async def _refresh_readiness(session: AsyncSession, post: Post, now: datetime) -> bool:
    await session.flush()
    return await post_readiness.refresh(session, post, now)


async def _changed(session: AsyncSession, creator_ids: uuid.UUID | Collection[uuid.UUID]) -> None:
    await session.flush()
    ids = {creator_ids} if isinstance(creator_ids, uuid.UUID) else set(creator_ids)
    await repository.bump_posts_version(session, ids)


def _check_access(settings: AccessSettings) -> AccessSettings:
    members_rules = bool(settings.tier_ids) or settings.min_tier_price is not None
    if settings.access is PostAccess.MEMBERS:
        if not members_rules:
            raise InvalidAccess("A members post needs tier_ids, min_tier_price or both.")
        if settings.unlock_price is not None:
            raise InvalidAccess("unlock_price is for paid posts.")
    elif settings.access is PostAccess.PAID:
        if settings.unlock_price is None:
            raise InvalidAccess("A paid post needs unlock_price.")
        if members_rules:
            raise InvalidAccess("tier_ids and min_tier_price are for members posts.")
    elif members_rules or settings.unlock_price is not None:
        raise InvalidAccess("A public post has no tiers, minimum price or unlock price.")
    return settings


async def _merged_access(session: AsyncSession, post: Post, data: PostUpdate) -> AccessSettings:
    """The post's access after the update: given fields win; settings of the old access that
    do not apply to the new one are dropped."""
    given = data.model_fields_set
    access = data.access or post.access
    members = access is PostAccess.MEMBERS
    if data.tier_ids is not None:
        tier_ids = data.tier_ids
    else:
        tier_ids = await repository.listed_tier_ids(session, post.id) if members else []
    if "min_tier_price" in given:
        min_tier_price = data.min_tier_price
    else:
        min_tier_price = post.min_tier_price if members else None
    if "unlock_price" in given:
        unlock_price = data.unlock_price
    elif access is PostAccess.PAID and post.unlock_price_amount is not None:
        unlock_price = Price.model_validate(
            {"amount": post.unlock_price_amount, "currency": post.unlock_currency}
        )
    else:
        unlock_price = None
    return AccessSettings(access, tier_ids, min_tier_price, unlock_price)


def _apply_access(post: Post, settings: AccessSettings) -> None:
    post.access = settings.access
    post.min_tier_price = settings.min_tier_price
    price = settings.unlock_price
    post.unlock_price_amount = price.amount if price else None
    post.unlock_currency = price.currency if price else None


async def _check_tiers(
    session: AsyncSession, creator: Creator, tier_ids: Collection[uuid.UUID]
) -> None:
    """Only the creator's own tiers (archived ones too: their members keep access)."""
    found = await repository.tiers_of_creator(session, creator.id, tier_ids)
    if len(found) != len(set(tier_ids)):
        raise UnknownTier("Every tier must be one of your own tiers.")


def _check_media_count(kind: PostKind, asset_ids: list[uuid.UUID]) -> None:
    if kind is PostKind.PHOTO and not asset_ids:
        raise InvalidMedia("A photo post needs at least one image.")
    if kind is PostKind.VIDEO and len(asset_ids) > 1:
        raise InvalidMedia("A video post has one video.")
    if kind not in post_readiness.MEDIA_KINDS and asset_ids:
        raise InvalidMedia(f"A {kind.value} post has no media.")


def _check_live_start(scheduled_start_at: datetime, now: datetime) -> None:
    if scheduled_start_at <= now:
        raise InvalidSchedule("The stream must be scheduled to start in the future.")
    if scheduled_start_at > now + MAX_SCHEDULE_AHEAD:
        raise InvalidSchedule("Streams can be scheduled at most a year ahead.")


async def _attach_media(
    session: AsyncSession, creator: Creator, post: Post, asset_ids: list[uuid.UUID]
) -> None:
    """Make ``asset_ids`` the post's media in this order; assets left out are detached.

    Only the author's own uploads of the right kind that are not on another post (and did not
    fail processing) can be attached; the rows are locked so two posts cannot take one asset.
    """
    if post.kind not in post_readiness.MEDIA_KINDS:
        return
    assets = {asset.id: asset for asset in await repository.lock_assets(session, asset_ids)}
    for asset_id in asset_ids:
        asset = assets.get(asset_id)
        if asset is None or asset.owner_id != creator.user_id:
            raise UnknownMediaAsset("Every media asset must be one of your own uploads.")
        if asset.post_id is not None and asset.post_id != post.id:
            raise MediaAssetInUse("A media asset is already part of another post.")
        if asset.kind is not post_readiness.MEDIA_KINDS[post.kind]:
            raise InvalidMedia(
                f"A {post.kind.value} post takes {post_readiness.MEDIA_KINDS[post.kind]} assets."
            )
        if asset.status is MediaStatus.FAILED:
            raise InvalidMedia("A media asset failed processing; upload it again.")
    for attached in await uploads_repository.assets_of_post(session, post.id):
        if attached.id not in assets:
            attached.post_id = None
            attached.position = 0
    for position, asset_id in enumerate(asset_ids):
        assets[asset_id].post_id = post.id
        assets[asset_id].position = position
