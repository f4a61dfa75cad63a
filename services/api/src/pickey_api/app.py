"""The api app: what the web app talks to."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI

from pickey_api.accounts.endpoints import router as accounts_router
from pickey_api.auth.endpoints import router as auth_router
from pickey_api.runtime_config.endpoints import router as runtime_config_router
from pickey_api.settings import ApiSettings
from pickey_core.http.app import create_app as create_service_app
from pickey_core.http.content_type import require_json
from pickey_core.resources import Resources
from pickey_core.storage import LocalStorage, create_storage, local_storage_router


def create_app(settings: ApiSettings, resources: Resources | None = None) -> FastAPI:
    v1 = APIRouter(prefix="/api/v1", dependencies=[Depends(require_json)])
    v1.include_router(accounts_router)
    v1.include_router(auth_router)
    routers = [v1, runtime_config_router]
    storage = create_storage(settings.storage)
    if isinstance(storage, LocalStorage):
        # Development only: the api serves the local backend's presigned URLs, as S3 would.
        routers.append(local_storage_router(storage))

    async def close_storage(app: FastAPI) -> None:
        await storage.close()

    app = create_service_app(
        settings,
        title="Pickey API",
        routers=routers,
        resources=resources,
        on_shutdown=close_storage,
    )
    app.state.storage = storage
    return app
