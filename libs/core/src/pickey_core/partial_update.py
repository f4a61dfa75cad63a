"""The base of every PATCH body: a field left out keeps its value, and ``null`` is refused
unless the field says null means something ("remove the avatar", "no unlock price").

Without it, ``{"name": null}`` would reach a service as "set the name to nothing", the service
would write NULL into a NOT NULL column, and the client would get a 500 instead of a 422.
"""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict, model_validator


class PartialUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nullable: ClassVar[frozenset[str]] = frozenset()
    """Fields where an explicit ``null`` is a value (a removal), not a mistake."""

    @model_validator(mode="after")
    def _no_null_unless_nullable(self) -> Self:
        for name in sorted(self.model_fields_set - self.nullable):
            if getattr(self, name) is None:
                raise ValueError(f"`{name}` cannot be null; leave it out to keep it")
        return self
