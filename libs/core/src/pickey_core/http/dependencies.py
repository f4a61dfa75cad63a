"""FastAPI dependencies shared by every service; aliases read like sentences in route signatures.

Every dependency is ``async def``, even one that awaits nothing: FastAPI runs a plain ``def``
dependency in the thread pool, a thread hop per dependency per request (issue 14's profile of
the feed: the hops of four such dependencies cost more than the work they did).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.resources import Resources
from pickey_core.storage import Storage


async def get_resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


ResourcesDep = Annotated[Resources, Depends(get_resources)]


async def get_session(resources: ResourcesDep) -> AsyncIterator[AsyncSession]:
    """The request's unit of work: committed when the endpoint returns, rolled back if it raises.

    ``scope="function"`` makes the commit happen before the response is sent, so a client that
    got 201 can rely on the row being there (and a failed commit becomes an error response).
    """
    async with resources.unit_of_work() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def get_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


StorageDep = Annotated[Storage, Depends(get_storage)]
