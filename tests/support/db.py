"""Read what services wrote, straight from the database."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import func, select

from pickey_core.models import Base
from pickey_core.resources import Resources

M = TypeVar("M", bound=Base)


async def count(resources: Resources, model: type[Base]) -> int:
    async with resources.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def all_rows(resources: Resources, model: type[M], *where: Any) -> list[M]:
    async with resources.sessions() as session:
        return list((await session.scalars(select(model).where(*where))).all())
