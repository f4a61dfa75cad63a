"""Keyset (cursor) pagination: every list is read from an index in the order it is shown.

A page is ``{"items": [...], "next_cursor": "..."}``. The cursor is an opaque, URL-safe string
that encodes the sort key of the last item shown (e.g. ``published_at`` and ``id``); the next
page starts strictly after it, so a page costs O(page) rows however deep the reader goes, and
rows inserted meanwhile never shift the pages (unlike OFFSET).

A cursor that cannot be decoded, or that does not have the shape this list uses, is a 400 with
code ``invalid_cursor``, never a 500.
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy import ColumnElement, Select, SQLColumnExpression, select, tuple_

from pickey_core.errors import BadRequest

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

T = TypeVar("T")


class InvalidCursor(BadRequest):
    code = "invalid_cursor"


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Cursor = Annotated[
    str | None, Query(max_length=512, description="`next_cursor` of the previous page.")
]

_KINDS = {"datetime": datetime, "uuid": uuid.UUID, "int": int, "str": str}


def _encode_value(value: object) -> list[Any]:
    if isinstance(value, datetime):
        return ["datetime", value.isoformat()]
    if isinstance(value, uuid.UUID):
        return ["uuid", str(value)]
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"cannot put {type(value).__name__} in a cursor")
    return ["int" if isinstance(value, int) else "str", value]


def encode_cursor(*values: object) -> str:
    """The cursor after an item whose sort key is ``values``."""
    raw = json.dumps([_encode_value(value) for value in values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, *kinds: type) -> tuple[Any, ...]:
    """The sort key in ``cursor``, checked against the expected ``kinds`` (datetime, UUID...)."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw)
        if not isinstance(parts, list) or len(parts) != len(kinds):
            raise ValueError("wrong length")
        values = []
        for (tag, value), kind in zip(parts, kinds, strict=True):
            if _KINDS.get(tag) is not kind:
                raise ValueError("wrong kind")
            if kind is datetime:
                parsed: Any = datetime.fromisoformat(value)
                if parsed.tzinfo is None:
                    raise ValueError("naive datetime")
            elif kind is uuid.UUID:
                parsed = uuid.UUID(value)
            elif kind is int and (isinstance(value, bool) or not isinstance(value, int)):
                raise ValueError("not an int")
            elif kind is str and not isinstance(value, str):
                raise ValueError("not a str")
            else:
                parsed = value
            values.append(parsed)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidCursor("The cursor is not valid for this list.") from error
    return tuple(values)


def after_key(
    columns: Sequence[SQLColumnExpression[Any]], key: Sequence[Any], *, descending: bool = True
) -> ColumnElement[bool]:
    """Rows strictly after ``key`` in the list's order by ``columns`` (newest first unless
    ``descending`` is false): a row-value comparison, ``(created_at, id) < (?, ?)``, which
    PostgreSQL answers from an index on the same columns in the same direction.

    The comparison must follow the ``ORDER BY``: ``<`` for descending, ``>`` for ascending.
    """
    row, bound = tuple_(*columns), tuple_(*key)
    return row < bound if descending else row > bound


def newest_first(
    entity: Any,
    *criteria: ColumnElement[bool],
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Select[Any]:
    """One page of ``entity`` rows matching ``criteria``, newest first by ``(created_at, id)``
    and strictly after the cursor ``before``: with an index on the criteria's columns followed
    by ``(created_at, id)``, PostgreSQL reads O(page) rows."""
    query = (
        select(entity)
        .where(*criteria)
        .order_by(entity.created_at.desc(), entity.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(after_key((entity.created_at, entity.id), before))
    return query


def page_of(items: list[T], limit: int, key: Any) -> Page[T]:
    """Build a page from ``limit + 1`` fetched rows: the extra row only says there is more.

    ``key(item)`` gives the sort key of an item (a tuple) for the next cursor.
    """
    has_more = len(items) > limit
    shown = items[:limit]
    next_cursor = encode_cursor(*key(shown[-1])) if has_more and shown else None
    return Page[T](items=shown, next_cursor=next_cursor)
