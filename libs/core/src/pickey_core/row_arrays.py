"""Several reads in one database round trip: each read's rows become one array column.

``SELECT (SELECT array_agg(ROW(q.a, q.b)) FROM (<read 1>) q), (SELECT ... <read 2>) ...``
answers every read at once; across a network that is one latency instead of one per read
(issue 14). asyncpg decodes the anonymous records itself, with their real types (uuid,
timestamptz, integers), so a read costs no JSON round-trip of its values. Two kinds of column
do not survive an anonymous record and are sent as text, then decoded here: our enums (text
columns with a CHECK, decoded to their ``StrEnum``) and JSON (decoded with :func:`json.loads`).

Assumptions: the reads are plain selects of columns (no two columns of one read share a
name); an empty read is ``NULL`` (``array_agg`` of no rows), given back as ``[]``; the order of
a read's rows is not kept (sort what needs an order after decoding).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import JSON, ColumnElement, Enum, ScalarSelect, Select, Text, cast, func, select
from sqlalchemy.orm import DeclarativeBase

Model = TypeVar("Model", bound=DeclarativeBase)
Decoder = Callable[[Any], Any]
AnySelect = Select[*tuple[Any, ...]]


def _as_sent(column: ColumnElement[Any]) -> ColumnElement[Any]:
    if isinstance(column.type, (Enum, JSON)):
        return cast(column, Text)
    return column


def _decoder(column: ColumnElement[Any]) -> Decoder | None:
    if isinstance(column.type, Enum) and column.type.enum_class is not None:
        enum_class = column.type.enum_class
        return lambda value: None if value is None else enum_class(value)
    if isinstance(column.type, JSON):
        return lambda value: None if value is None else json.loads(value)
    return None


class RowArray:
    """One read of a combined statement: its array column and how to decode its rows."""

    def __init__(self, read: AnySelect) -> None:
        rows = read.subquery()
        self.keys = [column.key for column in rows.c]
        self.column: ScalarSelect[Any] = (
            select(func.array_agg(func.row(*[_as_sent(column) for column in rows.c])))
            .select_from(rows)
            .scalar_subquery()
        )
        decoders = [(index, _decoder(column)) for index, column in enumerate(rows.c)]
        self._decoders = [(index, decode) for index, decode in decoders if decode is not None]

    def rows(self, value: Sequence[tuple[Any, ...]] | None) -> list[tuple[Any, ...]]:
        """The read's rows as tuples in column order, enums and JSON decoded."""
        if not value:
            return []
        if not self._decoders:
            return [tuple(row) for row in value]
        decoded = []
        for row in value:
            values = list(row)
            for index, decode in self._decoders:
                values[index] = decode(values[index])
            decoded.append(tuple(values))
        return decoded


class EntityArray(RowArray, Generic[Model]):
    """A read of whole rows of one mapped class, given back as (transient) instances of it:
    read-only values for presenting, never added to a session.

    Instances are made as the ORM's own loading makes them (a new instance of the class
    manager, its attribute values put in its ``__dict__``), not through ``__init__``, whose
    per-attribute change events cost more than the read (issue 14's profile)."""

    def __init__(self, model: type[Model], read: AnySelect) -> None:
        super().__init__(read)
        self._manager = model.__mapper__.class_manager
        attributes = {
            prop.columns[0].key: prop.key for prop in model.__mapper__.column_attrs
        }  # column name -> attribute name
        self._attributes = [attributes[key] for key in self.keys]

    def entities(self, value: Sequence[tuple[Any, ...]] | None) -> list[Model]:
        made = []
        for row in self.rows(value):
            instance = self._manager.new_instance()
            instance.__dict__.update(zip(self._attributes, row, strict=True))
            made.append(instance)
        return made
