"""Schemathesis over the api's OpenAPI schema, against a real api process on a real database.

Every operation is called with generated data (valid and invalid), anonymously and as a
logged-in user with a CSRF token. No response may be a 5xx, and every response must match the
schema: a documented status code, the documented content type and body shape.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.conftest import web
from tests.support.processes import running_all
from tests.support.settings import TestEnvironment

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Operations that would end the fuzzing user's own session or account mid-run.
SESSION_ENDING = ("/api/v1/auth/logout", "/api/v1/accounts/me")
MAX_EXAMPLES = 25


@pytest.fixture(scope="module")
def api_server(
    test_env: TestEnvironment, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    service, base_url = web("api")
    log_dir = tmp_path_factory.mktemp("fuzz")
    with running_all([service], env=test_env.variables(), log_dir=log_dir):
        email, password = "fuzz@example.cz", "fuzzing-password-1"
        with httpx.Client(base_url=base_url) as client:
            client.post(
                "/api/v1/accounts",
                json={"email": email, "password": password, "display_name": "Fuzz"},
            )
            login = client.post("/api/v1/auth/login", json={"email": email, "password": password})
            assert login.status_code == 200, login.text
        yield {
            "base_url": base_url,
            "cookies": dict(login.cookies),
            "csrf": login.json()["csrf_token"],
            "log": log_dir / "api-web.log",
        }


def fuzz(api_server: dict[str, Any], *, logged_in: bool) -> list[str]:
    """Run every operation's generated cases; return one line per failing operation."""
    schema = schemathesis.openapi.from_url(f"{api_server['base_url']}/openapi.json")
    extra: dict[str, Any] = {}
    if logged_in:
        extra = {"headers": {"X-CSRF-Token": api_server["csrf"]}, "cookies": api_server["cookies"]}
    failures = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if logged_in and operation.path in SESSION_ENDING and operation.method.upper() != "GET":
            continue  # would end the fuzzing user's session or account mid-run
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case: Any) -> None:
            case.call_and_validate(base_url=api_server["base_url"], checks=CHECKS, **extra)

        try:
            check()
        except Exception as error:  # collect all operations' failures, then report together
            failures.append(f"{operation.method.upper()} {operation.path}: {error}"[:2000])
    assert operations > 0
    return failures


def test_anonymous_calls_conform_to_the_schema(api_server: dict[str, Any]) -> None:
    failures = fuzz(api_server, logged_in=False)
    assert failures == [], "\n\n".join(failures)


def test_logged_in_calls_conform_to_the_schema(api_server: dict[str, Any]) -> None:
    failures = fuzz(api_server, logged_in=True)
    assert failures == [], "\n\n".join(failures)


def test_the_server_logged_no_unhandled_error(api_server: dict[str, Any]) -> None:
    log: Path = api_server["log"]
    assert "unhandled error" not in log.read_text()
