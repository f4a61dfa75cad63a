"""A page of posts as one viewer may see it, in a fixed number of queries whatever its size.

Every page-wide read takes all posts of the page at once (entitlements, creators, media, tiers,
polls, live streams, likes, comments), all in one statement (:mod:`pickey_api.posts.page_reads`):
one database round trip for a page of any length.

Like and comment counts are counted from their tables here (their endpoints keep no counters).
That reads every like of the page's posts; once posts collect likes by the hundred thousand,
counter columns kept by those endpoints are the next step.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.polls.service import poll_views_of
from pickey_api.post_access.entitlements import Access, access_of
from pickey_api.posts.page_reads import CreatorName, PageReads, page_reads
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
from pickey_api.uploads.urls import media_of, playback_for
from pickey_core.models import LiveStream, MediaAsset, Post, PostAccess, Tier
from pickey_core.providers.mux_tokens import PlaybackSigner
from pickey_core.storage import Storage


async def present_posts(
    session: AsyncSession,
    storage: Storage,
    viewer_id: uuid.UUID | None,
    posts: Sequence[Post],
    *,
    playback: PlaybackSigner | None = None,
    facts: PageReads | None = None,
) -> list[PostRead]:
    """``playback`` signs Mux playback (videos, live streams) of non-public posts for entitled
    viewers; without it those come back without playback. ``facts``: the page-wide reads, if
    the list's statement already read them (:func:`pickey_api.posts.page_reads.with_page`)."""
    if not posts:
        return []
    now = datetime.now(UTC)
    if facts is None:
        facts = await page_reads(session, viewer_id, posts)
    access = access_of(
        posts, facts.owned_creator_ids, facts.held, facts.listed_tier_ids, facts.unlocked
    )
    media = await media_of(storage, posts, facts.assets, access, playback=playback)
    polls = poll_views_of(viewer_id, facts.polls, access, facts.votes, facts.vote_counts, now)
    listed, open_tiers, lives = facts.listed_tiers, facts.open_tiers, facts.lives
    creators = facts.creators
    likes, comments = facts.likes, facts.comments

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
                editing=_editing(post, listed.get(post.id, []), facts.assets.get(post.id, []))
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


def _creator(creator: CreatorName) -> CreatorSummary:
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


def _editing(post: Post, listed: list[Tier], assets: list[MediaAsset]) -> PostEditing:
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
