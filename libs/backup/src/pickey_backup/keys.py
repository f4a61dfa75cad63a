"""Dump keys carry their UTC time, so retention and "latest" never depend on object metadata
(which a copy between buckets or a provider's migration would change).

``<prefix><database>/<YYYY>/<MM>/<DD>/<database>-<YYYYMMDDTHHMMSSZ>.dump``: the date folders
keep a listing of one day cheap, and the file name alone still says what it is when downloaded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

_STAMP = "%Y%m%dT%H%M%SZ"
_KEY_TIME = re.compile(r"-(\d{8}T\d{6}Z)\.dump$")


def dump_key(prefix: str, database: str, taken_at: datetime) -> str:
    moment = taken_at.astimezone(UTC)
    return f"{prefix}{database}/{moment:%Y/%m/%d}/{database}-{moment.strftime(_STAMP)}.dump"


def database_prefix(prefix: str, database: str) -> str:
    return f"{prefix}{database}/"


def taken_at(key: str) -> datetime | None:
    """The time a dump was taken, from its key; None for a key that is not a dump of ours."""
    match = _KEY_TIME.search(key)
    if match is None:
        return None
    return datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)


def dated(keys: Iterable[str]) -> list[tuple[datetime, str]]:
    """Our dumps among ``keys``, oldest first."""
    return sorted((moment, key) for key in keys if (moment := taken_at(key)) is not None)


def expired(keys: Iterable[str], *, now: datetime, keep_days: int) -> list[str]:
    """Dumps older than ``keep_days``, never the newest one: if backups have been failing for
    longer than the retention, the last good dump is all there is."""
    dumps = dated(keys)
    cutoff = now - timedelta(days=keep_days)
    return [key for moment, key in dumps[:-1] if moment < cutoff]


def latest(keys: Iterable[str]) -> str | None:
    dumps = dated(keys)
    return dumps[-1][1] if dumps else None
