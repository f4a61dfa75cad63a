"""Whose e-mail address a creator may see: the one rule, for every place that shows members.

A fan's address is theirs (GDPR): the data export gives a person their own address and never
another person's, and a creator sees a member's address only when the fan agreed to share it
with the creators they support (``users.share_email_with_creators``, off by default, part of the
fan's own export). An erased account never shares (erasure turns the consent off too).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from pickey_core.models import User


def shared_email_column() -> sa.ColumnElement[Any]:
    """The member's address a creator may see, or NULL, as a SQL expression over ``users``
    (lists and CSV exports read members in bulk)."""
    return sa.case(
        (sa.and_(User.share_email_with_creators.is_(True), User.deleted_at.is_(None)), User.email),
        else_=sa.null(),
    ).label("shared_email")
