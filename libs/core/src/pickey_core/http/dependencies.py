"""FastAPI dependencies shared by every service; aliases read like sentences in route signatures.

Every dependency is ``async def``, even one that awaits nothing: FastAPI runs a plain ``def``
dependency in the thread pool, a thread hop per dependency per request (issue 14's profile of
the feed: the hops of four such dependencies cost more than the work they did).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.resources import Resources
from pickey_core.storage import Storage


async def get_resources(request: Request) -> Resources:
    resources: Resources = request.app.state.resources
    return resources


ResourcesDep = Annotated[Resources, Depends(get_resources)]


Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])
_READS_ONLY = "__pickey_reads_only__"


def reads_only(endpoint: Endpoint) -> Endpoint:
    """Marks an endpoint that never writes to the database (put it below the route decorator).

    Its ``SessionDep`` — and that of every dependency it has, such as the caller's user — is then
    a read-only session without a transaction: no BEGIN and no COMMIT round trips
    (:meth:`pickey_core.resources.Resources.read_only`). A write through it raises, so a marked
    endpoint that starts writing fails its tests instead of committing piecemeal.
    """
    setattr(endpoint, _READS_ONLY, True)
    return endpoint


async def get_session(request: Request, resources: ResourcesDep) -> AsyncIterator[AsyncSession]:
    """The request's unit of work: committed when the endpoint returns, rolled back if it raises;
    for an endpoint marked :func:`reads_only`, a read-only session instead.

    ``scope="function"`` makes the commit happen before the response is sent, so a client that
    got 201 can rely on the row being there (and a failed commit becomes an error response).
    """
    if getattr(request.scope.get("endpoint"), _READS_ONLY, False):
        async with resources.read_only() as session:
            yield session
        return
    async with resources.unit_of_work() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def get_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


StorageDep = Annotated[Storage, Depends(get_storage)]
