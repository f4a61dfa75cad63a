"""Password hashing with argon2id at OWASP's recommended minimum (19 MiB, 2 passes, 1 lane).

Hashing is deliberately slow CPU work, so the async helpers run it in a worker thread and the
event loop keeps serving other requests meanwhile.
"""

from __future__ import annotations

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hasher.hash, password)


async def verify_password(password_hash: str, password: str) -> bool:
    def verify() -> bool:
        try:
            return _hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    return await anyio.to_thread.run_sync(verify)


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's (rehash at next login)."""
    return _hasher.check_needs_rehash(password_hash)
