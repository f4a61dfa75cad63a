"""Fixtures shared by every test folder (real PostgreSQL, Redis, S3 server and sandbox)."""

from __future__ import annotations

import os

import pytest

pytest_plugins = [
    "tests.support.embedded",
    "tests.support.infra",
    "tests.support.sandbox",
    "tests.support.s3",
    "tests.support.settings",
    "tests.support.pushgateway",
]


def pytest_configure(config: pytest.Config) -> None:
    """Tests configure every service explicitly: a developer's PICKEY_* variables (or the
    justfile's development defaults) must not leak into them. PICKEY_TEST_* stay: they say
    where the test PostgreSQL and Redis are."""
    for name in list(os.environ):
        if name.startswith("PICKEY_") and not name.startswith("PICKEY_TEST_"):
            del os.environ[name]
