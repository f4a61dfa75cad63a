"""Every public route a service's app serves (its OpenAPI paths: the API, checkout and the gateway
return, every provider webhook, the unsubscribe link) is routed to that service by the ingress
of its chart in each cluster; health and metrics endpoints never are."""

from __future__ import annotations

import re
from typing import Any

import pytest

from pickey_core.settings import PickeySettings
from tests.charts.helm import CHARTS
from tests.charts.manifests import of_kind
from tests.support.chart_rendering import Render

NEVER_ROUTED = {"/livez", "/readyz", "/metrics"}


def app_paths(service: str) -> set[str]:
    """The paths the service's real app declares (its OpenAPI document)."""
    overrides: dict[str, dict[str, Any]] = {
        "api": {"session_secret": "routes-test-session-secret-0123456789abcdef"},
        "notifications": {"mailgun": {"domain": "mg.pickey.test", "api_key": "key-routes"}},
    }
    module = __import__(f"pickey_{service}.settings", fromlist=["*"])
    model: type[PickeySettings] = next(
        value
        for name, value in vars(module).items()
        if name.endswith("Settings") and name != "PickeySettings" and isinstance(value, type)
    )
    settings = model(_env_file=None, environment="test", **overrides.get(service, {}))  # type: ignore[call-arg]
    create_app = __import__(f"pickey_{service}.app", fromlist=["create_app"]).create_app
    return set(create_app(settings).openapi()["paths"])


def routed(path: str, rules: list[tuple[str, str]]) -> bool:
    concrete = re.sub(r"\{[^}]+\}", "x", path)
    for prefix, kind in rules:
        if kind == "Exact" and concrete == prefix:
            return True
        if kind == "Prefix" and (
            concrete == prefix or concrete.startswith(prefix.rstrip("/") + "/")
        ):
            return True
    return False


@pytest.mark.parametrize("environment", ["dev", "prod"])
@pytest.mark.parametrize("service", ["api", "payments", "media", "notifications"])
def test_every_public_route_is_routed_to_its_service(
    render_chart: Render, service: str, environment: str
) -> None:
    manifests = render_chart(service, (CHARTS / service / "ci" / f"{environment}-values.yaml",))
    rules = [
        (path["path"], path["pathType"])
        for ingress in of_kind(manifests, "Ingress")
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    ]
    paths = app_paths(service) - NEVER_ROUTED
    assert paths
    assert {path for path in paths if not routed(path, rules)} == set()
    for private in NEVER_ROUTED:
        assert not routed(private, rules), private


def test_the_unsubscribe_link_and_webhooks_are_among_them() -> None:
    assert {"/unsubscribe", "/webhooks/mailgun"} <= app_paths("notifications")
    assert "/webhooks/mux" in app_paths("media")
