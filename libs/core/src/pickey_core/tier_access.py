"""Which tiers open a members-only post: the one rule the api (who may read a post) and the
notifications service (who may be emailed its content) share.

A membership of a tier opens a members-only post when the tier is listed for the post
(``post_tiers``), or when the post has a price threshold (``min_tier_price``) and the tier costs
at least that much (a creator's tiers share one currency, so prices compare directly). Whether
the membership is held (``active`` or ``past_due``) is the caller's part of the rule.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection


def tier_opens_post(
    tier_id: uuid.UUID,
    tier_price: int,
    *,
    listed_tier_ids: Collection[uuid.UUID],
    min_tier_price: int | None,
) -> bool:
    if tier_id in listed_tier_ids:
        return True
    return min_tier_price is not None and tier_price >= min_tier_price
