"""Returns already answered as paid, remembered by their exact bytes: a replay (a refresh, a
second tab, a client retrying) is answered without verifying the signature again and without
reading the database (issue 14, P6).

Why the remembered answer cannot be wrong:

* the key is a SHA-256 of the exact raw parameters received, so only a byte-identical replay
  hits; anything else (another order, a tampered field, another digest) goes the full way:
  verify, read, settle;
* only a verified return that found its payment paid is remembered, and a paid payment stays
  paid (settlement never moves a payment out of ``paid``; refunds are rows of their own), so the
  answer (payment id, ``paid``) does not go stale;
* the gateway's key is read from the settings at start-up and never changes in a process, so
  bytes that verified once verify again.

One memory per app (``app.state``), bounded (least recently used first out); a miss only costs
the full path, so several replicas need not share it.
"""

from __future__ import annotations

import hashlib
import uuid
from collections import OrderedDict

MAX_REMEMBERED = 10_000


class PaidReturns:
    """Payment ids of returns answered as paid, by the digest of their raw parameters."""

    def __init__(self, capacity: int = MAX_REMEMBERED) -> None:
        self._capacity = capacity
        self._paid: OrderedDict[bytes, uuid.UUID] = OrderedDict()

    @staticmethod
    def key(raw: bytes) -> bytes:
        return hashlib.sha256(raw).digest()

    def get(self, key: bytes) -> uuid.UUID | None:
        payment_id = self._paid.get(key)
        if payment_id is not None:
            self._paid.move_to_end(key)
        return payment_id

    def remember(self, key: bytes, payment_id: uuid.UUID) -> None:
        self._paid[key] = payment_id
        self._paid.move_to_end(key)
        if len(self._paid) > self._capacity:
            self._paid.popitem(last=False)
