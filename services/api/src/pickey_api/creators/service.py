"""Creator rules: becoming one, editing the profile, the public page. Flushes, never commits.

Authorization: a creator only ever reaches their own profile through ``/creators/me``; there is
no route that names another creator's profile for writing, so one creator cannot touch
another's.
"""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.creators import repository
from pickey_api.creators.cache import CachedPage, CreatorPageCache
from pickey_api.creators.images import profile_images
from pickey_api.creators.schemas import (
    CreatorCounts,
    CreatorCreate,
    CreatorPage,
    CreatorProfile,
    CreatorRead,
    CreatorUpdate,
    ViewerRelation,
)
from pickey_api.creators.slugs import check_slug, is_well_formed
from pickey_api.post_access.entitlements import held_memberships
from pickey_api.public_cache.creator_pages import PageInvalidation
from pickey_api.tiers.schemas import TierRead
from pickey_core.errors import Conflict, InvalidInput, NotFound
from pickey_core.http.creators import creator_of
from pickey_core.models import Creator, MediaAsset, MediaKind, MediaStatus, User
from pickey_core.storage import Storage


class SlugTaken(Conflict):
    code = "slug_taken"


class AlreadyACreator(Conflict):
    code = "already_a_creator"


class CreatorNotFound(NotFound):
    code = "creator_not_found"


class ProfileImageNotFound(InvalidInput):
    code = "asset_not_found"


class ProfileImageNotAnImage(InvalidInput):
    code = "asset_not_image"


class ProfileImageInUse(InvalidInput):
    code = "asset_in_use"


class ProfileImageNotReady(Conflict):
    code = "asset_not_ready"


async def become_creator(session: AsyncSession, user: User, data: CreatorCreate) -> Creator:
    """Give ``user`` a creator profile at ``data.slug`` (one profile per user)."""
    slug = check_slug(data.slug)
    if await creator_of(session, user.id) is not None:
        raise AlreadyACreator("You already have a creator page.")
    if await repository.slug_taken(session, slug):
        raise SlugTaken("This page address is taken; choose another.")
    creator = Creator(user_id=user.id, slug=slug, display_name=data.display_name, bio=data.bio)
    session.add(creator)
    try:
        await session.flush()
    except IntegrityError as error:  # a concurrent request won the race
        if "uq_creators_user_id" in str(error.orig):
            raise AlreadyACreator("You already have a creator page.") from error
        raise SlugTaken("This page address is taken; choose another.") from error
    return creator


async def by_slug(session: AsyncSession, slug: str) -> Creator:
    creator = await repository.by_slug(session, slug) if is_well_formed(slug) else None
    if creator is None:
        raise CreatorNotFound("No creator has this page.")
    return creator


async def update_profile(
    session: AsyncSession, creator: Creator, data: CreatorUpdate, pages: PageInvalidation
) -> Creator:
    changes = data.model_dump(exclude_unset=True)
    for field in ("avatar_asset_id", "cover_asset_id"):
        asset_id = changes.get(field)
        if asset_id is not None and asset_id != getattr(creator, field):
            await check_profile_image(session, creator.user_id, asset_id)
    changed = {name: value for name, value in changes.items() if getattr(creator, name) != value}
    if not changed:
        return creator
    for name, value in changed.items():
        setattr(creator, name, value)
    await session.flush()
    await session.refresh(creator, ["updated_at"])
    pages.forget(creator.slug)
    return creator


async def check_profile_image(
    session: AsyncSession, owner_id: uuid.UUID, asset_id: uuid.UUID
) -> None:
    """An avatar or cover is a ready image its owner uploaded for the profile.

    An image of a post is refused: a member-only photo must never become public by being
    picked as a cover. Someone else's asset looks like a missing one (no probing of ids).
    """
    asset = await session.get(MediaAsset, asset_id)
    if asset is None or asset.owner_id != owner_id:
        raise ProfileImageNotFound("No such image among your uploads.")
    if asset.kind is not MediaKind.IMAGE:
        raise ProfileImageNotAnImage("Avatars and covers are images.")
    if asset.post_id is not None:
        raise ProfileImageInUse("This image belongs to a post; upload it for the profile.")
    if asset.status is not MediaStatus.READY:
        raise ProfileImageNotReady("The image is still being processed (or failed); try later.")


async def read_profile(session: AsyncSession, storage: Storage, creator: Creator) -> CreatorRead:
    images = await profile_images(
        session, storage, [creator.avatar_asset_id, creator.cover_asset_id]
    )
    return CreatorRead(
        id=creator.id,
        slug=creator.slug,
        display_name=creator.display_name,
        bio=creator.bio,
        avatar_asset_id=creator.avatar_asset_id,
        cover_asset_id=creator.cover_asset_id,
        avatar=images.get(creator.avatar_asset_id) if creator.avatar_asset_id else None,
        cover=images.get(creator.cover_asset_id) if creator.cover_asset_id else None,
        created_at=creator.created_at,
        updated_at=creator.updated_at,
    )


async def public_page(
    session: AsyncSession, storage: Storage, cache: CreatorPageCache, slug: str
) -> CachedPage:
    """The page everyone sees: from the cache, else built (four queries at most) and cached."""
    if not is_well_formed(slug):
        raise CreatorNotFound("No creator has this page.")
    cached = await cache.get(slug)
    if cached is not None:
        return cached
    creator = await repository.by_slug(session, slug)
    if creator is None:
        raise CreatorNotFound("No creator has this page.")
    tiers = await repository.shown_tiers(session, creator.id)
    counts = await repository.counts(session, creator.id)
    images = await profile_images(
        session, storage, [creator.avatar_asset_id, creator.cover_asset_id]
    )
    page = CachedPage(
        owner_id=creator.user_id,
        page=CreatorPage(
            profile=CreatorProfile(
                id=creator.id,
                slug=creator.slug,
                display_name=creator.display_name,
                bio=creator.bio,
                avatar=images.get(creator.avatar_asset_id) if creator.avatar_asset_id else None,
                cover=images.get(creator.cover_asset_id) if creator.cover_asset_id else None,
                created_at=creator.created_at,
            ),
            tiers=[TierRead.from_tier(tier) for tier in tiers],
            counts=CreatorCounts(
                members=counts.members, posts=counts.posts, followers=counts.followers
            ),
        ),
    )
    await cache.put(page)
    return page


async def viewer_relation(
    session: AsyncSession, viewer: User, cached: CachedPage
) -> ViewerRelation:
    """The viewer's own relation to the creator, in two queries; never cached."""
    creator_id = cached.page.profile.id
    following = await repository.is_following(session, viewer.id, creator_id)
    held = await held_memberships(session, viewer.id, {creator_id})
    membership = held.get(creator_id)
    return ViewerRelation(
        is_owner=cached.owner_id == viewer.id,
        following=following,
        tier_id=membership.tier_id if membership else None,
    )
