"""The email suppression list's one rule about erased people: keep a keyed hash, not the address.

A bounce or a spam complaint must be honoured after the person asked to be forgotten (sending to
a complainer again is the harm the complaint was about; legal basis: our legitimate interest and
the person's objection, GDPR art. 17(3)(b), art. 21), but the address itself must go. Erasure
replaces ``email_suppressions.address`` by ``hmac-sha256:<hex>`` of the lower-cased address,
keyed with ``PICKEY_SUPPRESSION_HASH_KEY``. A suppression check looks up each address both
as-is and hashed, so a new account (or any message) to that mailbox is still suppressed, while
nobody reading the table can turn the hash back into the address without the key.

The key must be the same in every service that erases or checks (api and notifications). Unset,
the hash is an unkeyed SHA-256 under the same prefix: still no address in the table, but a
guessed address could be confirmed; production should set the key. Changing the key orphans the
hashes made with the old one (those mailboxes are no longer suppressed).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection

from pydantic import SecretStr

HASH_PREFIX = "hmac-sha256:"


def normalised(address: str) -> str:
    return address.strip().lower()


def erased_key(address: str, key: SecretStr | None) -> str:
    """What stands for ``address`` in the suppression list once its owner was erased."""
    message = normalised(address).encode()
    if key is None or not key.get_secret_value():
        digest = hashlib.sha256(b"pickey-suppression:" + message).hexdigest()
    else:
        digest = hmac.new(key.get_secret_value().encode(), message, hashlib.sha256).hexdigest()
    return HASH_PREFIX + digest


def lookup_keys(addresses: Collection[str], key: SecretStr | None) -> dict[str, str]:
    """Every list key that suppresses one of ``addresses``: the address itself and its hash,
    each mapped to the lower-cased address it stands for."""
    keys: dict[str, str] = {}
    for address in addresses:
        plain = normalised(address)
        keys[plain] = plain
        keys[erased_key(plain, key)] = plain
    return keys
