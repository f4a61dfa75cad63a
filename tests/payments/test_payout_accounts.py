"""A creator sets where payouts go: IBAN or Czech account, validated, password asked again,
verified email required, every change kept and announced; bad input changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import update

from pickey_core.models import OutboxMessage, PayoutAccount, User
from pickey_core.queue.contracts import PayoutAccountChanged
from pickey_core.resources import Resources
from pickey_core.security.passwords import hash_password
from tests.support.db import all_rows
from tests.support.payments_fans import Fan, FanFactory, Shop

PASSWORD = "correct horse battery staple"


@pytest.fixture
async def owner(payments_resources: Resources, shop: Shop, make_fan: FanFactory) -> Fan:
    """The shop's creator, logged in, with a password and a verified email address."""
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(User)
            .where(User.id == shop.owner.id)
            .values(
                password_hash=await hash_password(PASSWORD), email_verified_at=datetime.now(UTC)
            )
        )
    return await make_fan(user=shop.owner)


def body(account: str, holder: str = "Jana Nováková", password: str = PASSWORD) -> dict[str, Any]:
    return {"account": account, "holder_name": holder, "password": password}


async def announced(resources: Resources) -> list[str]:
    rows = await all_rows(
        resources, OutboxMessage, OutboxMessage.job_name == PayoutAccountChanged.job_name
    )
    return [row.payload["payout_account_id"] for row in rows]


async def test_a_czech_account_becomes_an_iban_and_the_creator_is_told(
    owner: Fan, payments_resources: Resources
) -> None:
    assert (await owner.client.get("/creator/payout-account")).status_code == 404

    answer = await owner.client.put(
        "/creator/payout-account", json=body("19-2000145399/0800", "  Jana   Nováková ")
    )

    assert answer.status_code == 200, answer.text
    assert answer.json()["iban"] == "CZ6508000000192000145399"
    assert answer.json()["holder_name"] == "Jana Nováková"
    [row] = await all_rows(payments_resources, PayoutAccount)
    assert await announced(payments_resources) == [str(row.id)]
    read = await owner.client.get("/creator/payout-account")
    assert read.json()["iban"] == "CZ6508000000192000145399"


async def test_a_new_account_wins_and_the_old_one_is_kept(
    owner: Fan, payments_resources: Resources
) -> None:
    first = await owner.client.put("/creator/payout-account", json=body("2000145399/0800"))
    second = await owner.client.put(
        "/creator/payout-account", json=body("DE89 3704 0044 0532 0130 00", "Jana N.")
    )

    assert (first.status_code, second.status_code) == (200, 200)
    assert first.json()["iban"] == "CZ7908000000002000145399"
    current = (await owner.client.get("/creator/payout-account")).json()
    assert (current["iban"], current["holder_name"]) == ("DE89370400440532013000", "Jana N.")
    assert len(await all_rows(payments_resources, PayoutAccount)) == 2
    assert len(await announced(payments_resources)) == 2


@pytest.mark.parametrize(
    ("account", "reason"),
    [
        ("19-2000145398/0800", "national checksum"),  # a digit off
        ("19-2000145399/9999", "Unknown Czech bank code"),
        ("CZ9208000000192000145398", "national checksum"),  # IBAN digits right, BBAN wrong
        ("CZ6608000000192000145399", "checksum"),  # IBAN check digits wrong
        ("US64SVBKUS6S3300958879", "country"),
        ("12345", "Not a valid account"),
        ("2000145399/08000", "Not a valid account"),
    ],
)
async def test_a_bad_account_is_refused_with_nothing_written(
    owner: Fan, payments_resources: Resources, account: str, reason: str
) -> None:
    answer = await owner.client.put("/creator/payout-account", json=body(account))

    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "invalid_bank_account"
    assert reason.lower() in error["message"].lower()
    assert error["details"][0]["loc"] == ["body", "account"]
    assert await all_rows(payments_resources, PayoutAccount) == []
    assert await announced(payments_resources) == []


async def test_the_wrong_password_changes_nothing(
    owner: Fan, payments_resources: Resources
) -> None:
    answer = await owner.client.put(
        "/creator/payout-account", json=body("19-2000145399/0800", password="guess")
    )

    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "wrong_password"
    assert await all_rows(payments_resources, PayoutAccount) == []


@pytest.mark.parametrize(
    "payload",
    [
        {"account": "19-2000145399/0800", "holder_name": "Jana"},  # no password
        {"account": "", "holder_name": "Jana", "password": PASSWORD},
        {"account": "19-2000145399/0800", "holder_name": "x" * 71, "password": PASSWORD},
        {"account": "19-2000145399/0800", "holder_name": "   ", "password": PASSWORD},
        {"account": 2000145399, "holder_name": "Jana", "password": PASSWORD},
        {**body("19-2000145399/0800"), "bank": "extra"},
    ],
)
async def test_malformed_requests_are_refused(
    owner: Fan, payments_resources: Resources, payload: dict[str, Any]
) -> None:
    answer = await owner.client.put("/creator/payout-account", json=payload)

    assert answer.status_code == 422, answer.text
    assert set(answer.json()["error"]) == {"code", "message", "details"}
    assert await all_rows(payments_resources, PayoutAccount) == []


async def test_an_unverified_email_address_is_refused(
    owner: Fan, payments_resources: Resources, shop: Shop
) -> None:
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(User).where(User.id == shop.owner.id).values(email_verified_at=None)
        )

    answer = await owner.client.put("/creator/payout-account", json=body("19-2000145399/0800"))

    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "email_not_verified"
    assert await all_rows(payments_resources, PayoutAccount) == []


async def test_only_creators_and_only_logged_in(
    make_fan: FanFactory, anonymous: Any, payments_resources: Resources
) -> None:
    fan = await make_fan()
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(User).where(User.id == fan.user.id).values(email_verified_at=datetime.now(UTC))
        )
    as_fan = await fan.client.put("/creator/payout-account", json=body("19-2000145399/0800"))
    as_nobody = await anonymous.get("/creator/payout-account")

    assert (as_fan.status_code, as_fan.json()["error"]["code"]) == (403, "not_a_creator")
    assert as_nobody.status_code == 401


async def test_password_guessing_is_limited(owner: Fan, payments_resources: Resources) -> None:
    """Five wrong passwords in the window; the sixth attempt, even a right one, is refused."""
    wrong = body("19-2000145399/0800", password="guess")
    answers = [await owner.client.put("/creator/payout-account", json=wrong) for _ in range(5)]
    sixth = await owner.client.put("/creator/payout-account", json=body("19-2000145399/0800"))

    assert {a.json()["error"]["code"] for a in answers} == {"wrong_password"}
    assert (sixth.status_code, sixth.json()["error"]["code"]) == (429, "too_many_password_attempts")
    assert 0 < int(sixth.headers["Retry-After"]) <= 15 * 60
    assert await all_rows(payments_resources, PayoutAccount) == []


async def test_a_right_password_clears_the_count(owner: Fan, payments_resources: Resources) -> None:
    wrong = body("19-2000145399/0800", password="guess")
    for _ in range(4):
        await owner.client.put("/creator/payout-account", json=wrong)
    assert (
        await owner.client.put("/creator/payout-account", json=body("2000145399/0800"))
    ).status_code == 200
    for _ in range(5):
        await owner.client.put("/creator/payout-account", json=wrong)
    last = await owner.client.put("/creator/payout-account", json=body("2000145399/0800"))
    assert last.status_code == 429
