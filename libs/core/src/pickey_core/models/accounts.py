"""People: fans, creators (a creator is a user with a creator profile) and staff."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pickey_core.models.base import Base, Timestamps, UuidPrimaryKey


class User(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "users"
    __table_args__ = (
        # Email is unique whatever its case; the application stores it lower-cased too.
        sa.Index("uq_users_email_lower", sa.func.lower(sa.text("email")), unique=True),
        sa.CheckConstraint("locale IN ('cs', 'en')", name="locale_supported"),
    )

    email: Mapped[str] = mapped_column(sa.String(320))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    display_name: Mapped[str] = mapped_column(sa.String(100))
    locale: Mapped[str] = mapped_column(sa.String(2), server_default="cs")
    email_verified_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    password_changed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # GDPR deletion anonymises the row instead of removing it: payments keep their payer.
    deleted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    is_staff: Mapped[bool] = mapped_column(server_default=sa.false())
    # Platform operators (payout batches, the ledger, anomalies). Granted by hand in the database.
    is_operator: Mapped[bool] = mapped_column(server_default=sa.false())
    # The fan agreed that creators they support may see their e-mail address (members list and
    # CSV). Off by default; the one rule reading it is pickey_core.email_sharing.
    share_email_with_creators: Mapped[bool] = mapped_column(server_default=sa.false())
