"""``GET /config.json``: read by the SPA at start-up instead of values baked into its build."""

from __future__ import annotations

from fastapi import APIRouter, Response

from pickey_api.runtime_config.schemas import PusherConfig, RuntimeConfig
from pickey_api.settings import SettingsDep

router = APIRouter(tags=["config"])

# Short enough that a configuration change reaches browsers within a minute.
CACHE_SECONDS = 60


@router.get("/config.json", response_model=RuntimeConfig, summary="SPA runtime configuration")
async def runtime_config(settings: SettingsDep, response: Response) -> RuntimeConfig:
    spa = settings.spa
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    return RuntimeConfig(
        environment=settings.environment.value,
        app_url=spa.app_url,
        api_base_url=spa.api_base_url,
        payments_base_url=spa.payments_base_url,
        default_locale=spa.default_locale,
        analytics_id=spa.analytics_id,
        sentry_dsn=spa.sentry_dsn,
        mux_env_key=spa.mux_env_key,
        # The Pusher key and cluster are public; the secret stays in settings.pusher.
        pusher=PusherConfig(key=settings.pusher.key, cluster=settings.pusher.cluster),
    )
