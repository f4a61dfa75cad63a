"""``column = ANY($1)``: membership in a list (of uuids, or strings) as one array parameter.

SQLAlchemy's ``column.in_(ids)`` renders one bind parameter per id at execution time, so a
statement over 1,000 ids costs the rendering of 1,000 parameters and a new prepared statement
for every distinct length (issue 14's profiles: the fan-out's claims and settlements, the
outbox's stamps). One array parameter keeps one statement text, prepared once per connection.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import ARRAY, ColumnElement, SQLColumnExpression, Text, any_, bindparam
from sqlalchemy.dialects.postgresql import UUID

T = TypeVar("T", uuid.UUID, str)


def any_of(column: SQLColumnExpression[T], values: Iterable[T]) -> ColumnElement[bool]:
    """``column = ANY(:values)`` with ``values`` as one ``uuid[]`` (or ``text[]``) parameter."""
    items = list(values)
    element = Text() if items and isinstance(items[0], str) else UUID(as_uuid=True)
    return column == any_(bindparam(None, items, type_=ARRAY(element)))
