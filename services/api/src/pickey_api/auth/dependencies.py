"""FastAPI dependencies of the account and session endpoints."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from pickey_api.auth.config import AuthConfig
from pickey_api.auth.throttling import Throttle
from pickey_api.auth.tokens import AccountTokens
from pickey_api.settings import SettingsDep
from pickey_core.http.dependencies import ResourcesDep


async def get_auth_config(settings: SettingsDep) -> AuthConfig:
    return settings.auth


AuthConfigDep = Annotated[AuthConfig, Depends(get_auth_config)]


async def get_throttle(resources: ResourcesDep, config: AuthConfigDep) -> Throttle:
    return Throttle(resources.redis, config)


async def get_account_tokens(resources: ResourcesDep, config: AuthConfigDep) -> AccountTokens:
    return AccountTokens(resources.redis, config)


async def get_client_address(request: Request) -> str:
    """The caller's address as uvicorn reports it (see :mod:`pickey_api.auth.throttling`)."""
    return request.client.host if request.client is not None else "unknown"


ThrottleDep = Annotated[Throttle, Depends(get_throttle)]
AccountTokensDep = Annotated[AccountTokens, Depends(get_account_tokens)]
ClientAddress = Annotated[str, Depends(get_client_address)]
