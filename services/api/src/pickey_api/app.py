"""The api app: what the web app talks to."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI

from pickey_api.accounts.endpoints import router as accounts_router
from pickey_api.analytics.endpoints import router as analytics_router
from pickey_api.auth.endpoints import router as auth_router
from pickey_api.comments.endpoints import router as comments_router
from pickey_api.creators.endpoints import router as creators_router
from pickey_api.feeds.endpoints import router as feeds_router
from pickey_api.follows.endpoints import router as follows_router
from pickey_api.likes.endpoints import router as likes_router
from pickey_api.members.endpoints import router as members_router
from pickey_api.notifications.endpoints import router as notifications_router
from pickey_api.polls.endpoints import router as polls_router
from pickey_api.posts.endpoints import router as posts_router
from pickey_api.preferences.endpoints import router as preferences_router
from pickey_api.realtime.endpoints import router as realtime_router
from pickey_api.runtime_config.endpoints import router as runtime_config_router
from pickey_api.settings import ApiSettings
from pickey_api.tiers.endpoints import router as tiers_router
from pickey_api.uploads.endpoints import router as uploads_router
from pickey_core.http.app import create_app as create_service_app
from pickey_core.http.content_type import require_json
from pickey_core.resources import Resources
from pickey_core.storage import LocalStorage, create_storage, local_storage_router
from pickey_core.storage.local import ROUTE_PREFIX as LOCAL_STORAGE_ROUTE_PREFIX


def create_app(settings: ApiSettings, resources: Resources | None = None) -> FastAPI:
    v1 = APIRouter(prefix="/api/v1", dependencies=[Depends(require_json)])
    v1.include_router(accounts_router)
    v1.include_router(auth_router)
    v1.include_router(members_router)
    v1.include_router(analytics_router)
    v1.include_router(creators_router)
    v1.include_router(tiers_router)
    v1.include_router(follows_router)
    v1.include_router(comments_router)
    v1.include_router(likes_router)
    v1.include_router(notifications_router)
    v1.include_router(preferences_router)
    v1.include_router(posts_router)
    v1.include_router(polls_router)
    v1.include_router(feeds_router)
    v1.include_router(uploads_router)
    # Beside v1, not in it: the Pusher client posts a form, which require_json would refuse.
    routers = [v1, realtime_router, runtime_config_router]
    storage = create_storage(settings.storage)
    self_limited_paths: list[str] = []
    if isinstance(storage, LocalStorage):
        # Development only: the api serves the local backend's presigned URLs, as S3 would. Its
        # upload route enforces the presigned policy's size (image_upload_max_bytes), not the
        # JSON API's body limit, so phone photos upload in development as they do to S3.
        routers.append(local_storage_router(storage))
        self_limited_paths.append(LOCAL_STORAGE_ROUTE_PREFIX)

    async def close_storage(app: FastAPI) -> None:
        await storage.close()

    app = create_service_app(
        settings,
        title="Pickey API",
        routers=routers,
        resources=resources,
        on_shutdown=close_storage,
        self_limited_paths=self_limited_paths,
    )
    app.state.storage = storage
    return app
