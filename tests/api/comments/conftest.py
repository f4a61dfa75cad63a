"""The world every comment test starts from (see ``tests.support.comments.World``)."""

from __future__ import annotations

import pytest

from pickey_core.models import PostAccess, PostStatus, User
from pickey_core.resources import Resources
from tests.support import factories as make
from tests.support.api_users import UserFactory
from tests.support.comments import World


@pytest.fixture
async def world(api_resources: Resources, make_user: UserFactory) -> World:
    creator, member, other_member, stranger = [await make_user() for _ in range(4)]
    async with api_resources.unit_of_work() as session:
        gordikey = await make.creator(session, await session.get(User, creator.id))
        steaky = await make.tier(session, gordikey, 9900, name="Na steaky")
        member_row = await session.get(User, member.id)
        other_member_row = await session.get(User, other_member.id)
        assert member_row is not None
        assert other_member_row is not None
        await make.membership(session, member_row, steaky)
        await make.membership(session, other_member_row, steaky)
        public = await make.post(session, gordikey)
        members = await make.post(session, gordikey, access=PostAccess.MEMBERS, tiers=[steaky])
        draft = await make.post(session, gordikey, status=PostStatus.DRAFT)
        elsewhere = await make.post(session, await make.creator(session))
    return World(
        creator,
        member,
        other_member,
        stranger,
        public.id,
        members.id,
        draft.id,
        elsewhere.id,
        steaky.id,
    )
