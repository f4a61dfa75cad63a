"""A page of posts as one viewer may see it, in a fixed number of queries whatever its size.

Every page-wide read takes all posts of the page at once (entitlements, creators, media, tiers,
polls, live streams, likes, comments): at most fifteen queries for a page of any length,
fewer when the page holds no post that needs a read.

Like and comment counts are counted from their tables here (their endpoints keep no counters).
That reads every like of the page's posts; once posts collect likes by the hundred thousand,
counter columns kept by those endpoints are the next step.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.polls.service import poll_views
from pickey_api.post_access.entitlements import Access, entitlements
from pickey_api.posts import repository
from pickey_api.posts.repository import AttachedAsset
from pickey_api.posts.schemas import (
    CreatorSummary,
    LiveRead,
    PostEditing,
    PostRead,
    PostVisibility,
    Price,
    TierSummary,
)
from pickey_api.posts.visibility import AssetState, VisibilityCode, visibility_of
from pickey_api.uploads.schemas import MediaFailureRead
from pickey_api.uploads.urls import media_for_posts, playback_for
from pickey_core.models import Creator, LiveStream, Post, PostAccess, PostKind, Tier
from pickey_core.providers.mux_tokens import PlaybackSigner
from pickey_core.storage import Storage


async def present_posts(
    session: AsyncSession,
    storage: Storage,
    viewer_id: uuid.UUID | None,
    posts: Sequence[Post],
    *,
    playback: PlaybackSigner | None = None,
) -> list[PostRead]:
    """``playback`` signs Mux playback (videos, live streams) of non-public posts for entitled
    viewers; without it those come back without playback."""
    if not posts:
        return []
    now = datetime.now(UTC)
    post_ids = [post.id for post in posts]
    access = await entitlements(session, viewer_id, posts)
    creators = await repository.creators_by_id(session, {post.creator_id for post in posts})
    media = await media_for_posts(session, storage, posts, access, playback=playback)
    members_posts = [post for post in posts if post.access is PostAccess.MEMBERS]
    listed: dict[uuid.UUID, list[Tier]] = {}
    for post_id, tier in await repository.listed_tiers_of_posts(
        session, [post.id for post in members_posts]
    ):
        listed.setdefault(post_id, []).append(tier)
    open_tiers: dict[uuid.UUID, list[Tier]] = {}
    for tier in await repository.open_tiers_of_creators(
        session, {post.creator_id for post in members_posts if post.min_tier_price is not None}
    ):
        open_tiers.setdefault(tier.creator_id, []).append(tier)
    polls = await poll_views(session, viewer_id, posts, access, now)
    lives = await repository.live_streams_of_posts(
        session, [post.id for post in posts if post.kind is PostKind.LIVE]
    )
    likes = await repository.like_stats(session, viewer_id, post_ids)
    comments = await repository.comment_counts(session, post_ids)
    owned_assets = await repository.assets_of_posts(
        session, [post.id for post in posts if access[post.id] is Access.OWNER]
    )

    reads = []
    for post in posts:
        viewer_access = access[post.id]
        entitled = viewer_access in (Access.OWNER, Access.FULL)
        like_count, liked = likes.get(post.id, (0, False))
        live = lives.get(post.id)
        reads.append(
            PostRead(
                id=post.id,
                creator=_creator(creators[post.creator_id]),
                kind=post.kind,
                status=post.status,
                access=post.access,
                viewer_access=viewer_access,
                title=post.title,
                body=post.body if entitled else None,
                media=media[post.id],
                poll=polls.get(post.id),
                live=_live(live, entitled, playback) if live is not None else None,
                unlocking_tiers=_unlocking_tiers(
                    post, listed.get(post.id, []), open_tiers.get(post.creator_id, [])
                ),
                unlock_price=_unlock_price(post),
                like_count=like_count,
                comment_count=comments.get(post.id, 0),
                liked=liked,
                published_at=post.published_at,
                created_at=post.created_at,
                updated_at=post.updated_at,
                editing=_editing(post, listed.get(post.id, []), owned_assets[post.id])
                if viewer_access is Access.OWNER
                else None,
            )
        )
    return reads


async def present_post(
    session: AsyncSession,
    storage: Storage,
    viewer_id: uuid.UUID | None,
    post: Post,
    *,
    playback: PlaybackSigner | None = None,
) -> PostRead:
    return (await present_posts(session, storage, viewer_id, [post], playback=playback))[0]


def _live(stream: LiveStream, entitled: bool, signer: PlaybackSigner | None) -> LiveRead:
    """Everyone listed sees when the stream starts and its state; only entitled viewers get
    playback. The stream key never appears here (the creator gets it from the live endpoint)."""
    playback = None
    if entitled and stream.playback_id:
        playback = playback_for(stream.playback_id, stream.playback_policy, signer)
    return LiveRead(
        scheduled_start_at=stream.scheduled_start_at, state=stream.state, playback=playback
    )


def _creator(creator: Creator) -> CreatorSummary:
    return CreatorSummary(id=creator.id, slug=creator.slug, display_name=creator.display_name)


def _unlocking_tiers(post: Post, listed: list[Tier], open_tiers: list[Tier]) -> list[TierSummary]:
    """Tiers a fan can join to read a members post: the listed ones and, with a minimum price,
    every open tier at or above it. Archived tiers still admit their members but take no one new,
    so they are not offered."""
    if post.access is not PostAccess.MEMBERS:
        return []
    tiers = {tier.id: tier for tier in listed if tier.archived_at is None}
    if post.min_tier_price is not None:
        tiers.update(
            (tier.id, tier) for tier in open_tiers if tier.price_amount >= post.min_tier_price
        )
    return [
        TierSummary(
            id=tier.id, name=tier.name, price_amount=tier.price_amount, currency=tier.currency
        )
        for tier in sorted(tiers.values(), key=lambda tier: (tier.price_amount, tier.position))
    ]


def _unlock_price(post: Post) -> Price | None:
    if post.access is not PostAccess.PAID or post.unlock_price_amount is None:
        return None
    return Price.model_validate(
        {"amount": post.unlock_price_amount, "currency": post.unlock_currency}
    )


def _editing(post: Post, listed: list[Tier], assets: list[AttachedAsset]) -> PostEditing:
    shown = visibility_of(post, [AssetState(asset.status, asset.failure_code) for asset in assets])
    return PostEditing(
        tier_ids=[tier.id for tier in listed],
        min_tier_price=post.min_tier_price,
        media_asset_ids=[asset.id for asset in assets],
        media_ready=post.media_ready,
        publish_at=post.publish_at,
        announced=post.announced_at is not None,
        deleted_at=post.deleted_at,
        visibility=PostVisibility(
            visible=shown.visible,
            code=shown.code.value,
            text=shown.text,
            media_failure=MediaFailureRead.of(shown.media_failure_code)
            if shown.code is VisibilityCode.MEDIA_FAILED
            else None,
        ),
    )
