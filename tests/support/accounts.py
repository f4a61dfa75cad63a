"""Test users over HTTP whose email address is verified, as if they had opened the emailed link.

Money and creator actions need a verified email (``pickey_core.http.auth.require_verified_email``).
Tests that sign up through the api and then pay or become a creator mark the address verified
straight in the database: the link itself is tested in ``tests/api/test_auth_email_verification``
and would need the notifications worker and the Mailgun sandbox in every journey.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import asyncpg

from tests.support.infra import asyncpg_dsn


async def verify_email_async(database_url: str, email: str) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        updated = await connection.execute(
            "UPDATE users SET email_verified_at = now() WHERE email = $1", email.lower()
        )
    finally:
        await connection.close()
    assert updated == "UPDATE 1", f"no account {email}"


def verify_email(database_url: str, email: str) -> None:
    """The same from synchronous code, whether or not an event loop runs in this thread."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, verify_email_async(database_url, email)).result()
