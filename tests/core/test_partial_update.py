"""The PATCH base: left out keeps, ``null`` is refused unless the field gives it a meaning."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pickey_core.partial_update import PartialUpdate


class Profile(PartialUpdate):
    nullable = frozenset({"avatar"})

    name: str | None = None
    avatar: str | None = None


def test_left_out_fields_are_not_set() -> None:
    assert Profile.model_validate({"name": "Gordíkey"}).model_fields_set == {"name"}


def test_null_removes_a_nullable_field() -> None:
    update = Profile.model_validate({"avatar": None})

    assert update.model_fields_set == {"avatar"}
    assert update.avatar is None


def test_null_for_any_other_field_is_refused_with_its_name() -> None:
    with pytest.raises(ValidationError, match="`name` cannot be null; leave it out to keep it"):
        Profile.model_validate({"name": None, "avatar": None})


def test_unknown_fields_are_refused() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Profile.model_validate({"nick": "G"})
