"""The probes speak each protocol: a port held by the other kind of server is no answer."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from pickey_devserver.probe import port_is_free, postgres_answers, redis_answers
from tests.support.infra import admin_database_url
from tests.support.processes import free_port


def _postgres() -> tuple[str, int]:
    url = make_url(admin_database_url())
    return url.host or "127.0.0.1", url.port or 5432


def _redis(redis_url: str) -> tuple[str, int]:
    url = make_url(redis_url)
    return url.host or "127.0.0.1", url.port or 6379


def test_postgres_answers_only_where_a_postgres_listens(redis_url: str) -> None:
    assert postgres_answers(*_postgres())
    assert not postgres_answers(*_redis(redis_url))
    assert not postgres_answers("127.0.0.1", free_port())


def test_redis_answers_only_where_a_redis_listens(redis_url: str) -> None:
    assert redis_answers(*_redis(redis_url))
    assert not redis_answers(*_postgres())
    assert not redis_answers("127.0.0.1", free_port())


def test_a_listening_port_is_not_free() -> None:
    assert not port_is_free(*_postgres())
    assert port_is_free("127.0.0.1", free_port())
