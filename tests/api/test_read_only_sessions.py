"""The read-only sessions of ``reads_only`` endpoints (issue 14: no BEGIN/COMMIT round trips)
refuse writes, so an endpoint marked read-only that starts writing fails instead of committing
statement by statement outside the unit of work."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from pickey_core.database import WriteInReadSession
from pickey_core.models import User
from pickey_core.resources import Resources
from tests.support import factories


async def test_a_read_only_session_reads(api_resources: Resources) -> None:
    async with api_resources.unit_of_work() as session:
        user = await factories.user(session)
    async with api_resources.read_only() as session:
        assert (await session.get(User, user.id)) is not None


async def test_an_orm_write_through_a_read_only_session_raises(api_resources: Resources) -> None:
    async with api_resources.read_only() as session:
        before = await session.scalar(select(func.count()).select_from(User))
        session.add(User(email="nobody@example.cz", password_hash="x", display_name="No"))
        with pytest.raises(WriteInReadSession):
            await session.flush()
    async with api_resources.read_only() as session:
        assert await session.scalar(select(func.count()).select_from(User)) == before


async def test_a_statement_that_writes_through_a_read_only_session_raises(
    api_resources: Resources,
) -> None:
    async with api_resources.unit_of_work() as session:
        user = await factories.user(session)
    async with api_resources.read_only() as session:
        with pytest.raises(WriteInReadSession):
            await session.execute(
                update(User).where(User.id == user.id).values(display_name="Changed")
            )
    async with api_resources.read_only() as session:
        stored = await session.get(User, user.id)
        assert stored is not None
        assert stored.display_name == user.display_name
