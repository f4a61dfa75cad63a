"""Fixtures shared by every test folder (real PostgreSQL, Redis, S3 server and sandbox)."""

pytest_plugins = [
    "tests.support.infra",
    "tests.support.sandbox",
    "tests.support.s3",
    "tests.support.settings",
]
