"""Every table, and every text or JSON column, classified for the right to erasure.

``tests/core/test_erasure_registry.py`` fails when a model gains a table, or a text or JSON
column (String, Text, JSON/JSONB, arrays), that is not listed here, and says what to add. Enum
columns (a closed set of values) cannot hold personal data and are not listed.

Treatments:

* ``erase``: the person's copy is removed (row deleted, or the value emptied);
* ``anonymise``: the row stays, the value that identifies the person is replaced;
* ``keep``: kept on purpose, with the legal reason in ``why`` (accounting: Czech Act 563/1991 on
  accounting keeps accounting records 5 years, VAT Act 235/2004 10 years; GDPR art. 17(3)(b));
* ``not_personal``: never holds personal data (ids, codes, provider identifiers, our own texts).

A table whose rows *are* personal data by reference (a follow, a like: no text, but they say who
did what) is classified at table level with ``rows``. :mod:`pickey_core.erasure.procedure` has
one step per table with an ``erase`` or ``anonymise`` treatment; a test checks none is missing.

Stores outside PostgreSQL are listed in :data:`OTHER_STORES`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import sqlalchemy as sa


class Treatment(StrEnum):
    ERASE = "erase"
    ANONYMISE = "anonymise"
    KEEP = "keep"
    NOT_PERSONAL = "not_personal"


ACTED_ON = (Treatment.ERASE, Treatment.ANONYMISE)


@dataclass(frozen=True)
class Rule:
    treatment: Treatment
    why: str


def erase(why: str) -> Rule:
    return Rule(Treatment.ERASE, why)


def anonymise(why: str) -> Rule:
    return Rule(Treatment.ANONYMISE, why)


def keep(why: str) -> Rule:
    return Rule(Treatment.KEEP, why)


def not_personal(why: str) -> Rule:
    return Rule(Treatment.NOT_PERSONAL, why)


@dataclass(frozen=True)
class TableRule:
    """What happens to a table's rows about the person, and to each text or JSON column."""

    rows: Rule
    columns: dict[str, Rule] = field(default_factory=dict)


IDS = "identifiers, codes or provider ids; no personal data"
ACCOUNTING = (
    "kept for accounting (Act 563/1991 §31-32, VAT Act 235/2004 §35): the row names the payer "
    "by user id only, and that user row is anonymised"
)
PAYOUT_RECORDS = (
    "bank details a payout was sent to and the bank order file: accounting records of the "
    "platform's payment to the creator (Act 563/1991 §31-32), kept as the payouts are"
)
CREATOR_CONTENT = "the creator's own content: emptied when the creator deletes the account"

REGISTRY: dict[str, TableRule] = {
    "users": TableRule(
        anonymise("kept so payments keep their payer (accounting); identifying values replaced"),
        {
            "email": anonymise("becomes deleted-<id>@deleted.invalid"),
            "password_hash": anonymise("becomes a marker no password matches"),
            "display_name": anonymise("becomes 'Deleted user'"),
            "locale": not_personal("cs or en"),
        },
    ),
    "creators": TableRule(
        anonymise("kept: payments and memberships reference the page"),
        {
            "slug": anonymise("freed: deleted-<id>"),
            "display_name": anonymise("becomes 'Deleted creator'"),
            "bio": erase(CREATOR_CONTENT),
        },
    ),
    "tiers": TableRule(
        keep("archived; payments and memberships reference them"),
        {
            "name": keep("a receipt names what was sold (accounting); the creator's tier label"),
            "description": erase(CREATOR_CONTENT),
            "currency": not_personal(IDS),
        },
    ),
    "follows": TableRule(erase("who follows whom: deleted, both directions")),
    "posts": TableRule(
        erase("soft-deleted and emptied (paid unlocks reference them)"),
        {
            "title": erase(CREATOR_CONTENT),
            "body": erase(CREATOR_CONTENT),
            "unlock_currency": not_personal(IDS),
        },
    ),
    "post_tiers": TableRule(not_personal(IDS)),
    "polls": TableRule(not_personal(IDS)),
    "poll_options": TableRule(
        erase("options of the creator's polls"), {"text": erase(CREATOR_CONTENT)}
    ),
    "poll_votes": TableRule(erase("how the person voted")),
    "live_streams": TableRule(
        not_personal("Mux ids of the creator's streams (the stream key is a secret, not personal)"),
        {
            "mux_live_stream_id": not_personal(IDS),
            "mux_stream_key": not_personal("a Mux secret; disabled with the stream"),
            "playback_id": not_personal(IDS),
            "playback_policy": not_personal(IDS),
            "active_asset_id": not_personal(IDS),
        },
    ),
    "comments": TableRule(
        erase("emptied and marked deleted so threads keep their shape"),
        {"body": erase("the person's words")},
    ),
    "likes": TableRule(erase("what the person liked")),
    "media_assets": TableRule(
        keep("rows of the creator's uploads; the files go with the media clean-up job"),
        {
            "failure_reason": not_personal("the provider's or our own error text, for support"),
            "failure_code": not_personal("our reason code"),
            "original_key": not_personal("a random storage key"),
            "content_type": not_personal(IDS),
            "variants": not_personal("sizes and random storage keys"),
            "mux_upload_id": not_personal(IDS),
            "mux_asset_id": not_personal(IDS),
            "playback_id": not_personal(IDS),
            "playback_policy": not_personal(IDS),
            "aspect_ratio": not_personal(IDS),
            "mux_live_stream_id": not_personal(IDS),
        },
    ),
    "memberships": TableRule(keep(ACCOUNTING)),
    "fan_trials": TableRule(
        keep(
            "legitimate interest (GDPR art. 6(1)(f)): one free trial per fan and creator; "
            "ids only, kept as long as the membership it started"
        )
    ),
    "membership_events": TableRule(
        keep(
            "the creator's membership history behind their income figures (past months never "
            "change); names the fan by user id only, and that user row is anonymised"
        ),
        {
            "currency": not_personal(IDS),
            "reason_text": erase("the fan's own words when cancelling: emptied"),
        },
    ),
    "creator_monthly_stats": TableRule(
        not_personal("a creator's monthly totals: counts and sums, no one named"),
        {"currency": not_personal(IDS)},
    ),
    "creator_monthly_tier_revenue": TableRule(
        not_personal("a creator's monthly totals per tier"), {"currency": not_personal(IDS)}
    ),
    "creator_monthly_cancellations": TableRule(
        not_personal("counts of cancellations per reason"),
        {"reason": not_personal("a code from a fixed list")},
    ),
    "ledger_transactions": TableRule(keep(ACCOUNTING), {"key": not_personal(IDS)}),
    "ledger_entries": TableRule(keep(ACCOUNTING), {"currency": not_personal(IDS)}),
    "refunds": TableRule(
        keep(ACCOUNTING),
        {
            "currency": not_personal(IDS),
            "message_id": not_personal(IDS),
            "reason": keep("why money was returned: part of the corrective accounting record"),
            "prcode": not_personal(IDS),
            "srcode": not_personal(IDS),
            "result_text": not_personal("the gateway's result text"),
        },
    ),
    "creator_fee_terms": TableRule(not_personal("the creator's fee terms: numbers only")),
    "payout_accounts": TableRule(
        keep(PAYOUT_RECORDS),
        {"iban": keep(PAYOUT_RECORDS), "holder_name": keep(PAYOUT_RECORDS)},
    ),
    "payout_batches": TableRule(keep(ACCOUNTING), {"period": not_personal("a month")}),
    "payouts": TableRule(
        keep(PAYOUT_RECORDS),
        {"currency": not_personal(IDS), "statement_number": not_personal(IDS)},
    ),
    "payout_orders": TableRule(
        keep(PAYOUT_RECORDS),
        {"currency": not_personal(IDS), "document": keep(PAYOUT_RECORDS)},
    ),
    "document_series": TableRule(
        not_personal("document number counters"), {"series": not_personal(IDS)}
    ),
    "payments": TableRule(
        keep(ACCOUNTING),
        {
            "order_number": not_personal(IDS),
            "currency": not_personal(IDS),
            "renewal_key": not_personal(IDS),
            "receipt_number": not_personal("our document number"),
            "prcode": not_personal(IDS),
            "srcode": not_personal(IDS),
            "result_text": not_personal("the gateway's result text"),
        },
    ),
    "post_unlocks": TableRule(keep(ACCOUNTING)),
    "discount_codes": TableRule(
        not_personal("the creator's offer: numbers, tiers and the code they chose"),
        {
            "code": not_personal("a code the creator chose for everyone to type"),
            "currency": not_personal(IDS),
            "tier_ids": not_personal(IDS),
        },
    ),
    "discount_redemptions": TableRule(
        keep("which fan used a code: part of the discounted payments' accounting record")
    ),
    "payment_discounts": TableRule(keep(ACCOUNTING)),
    "gifts": TableRule(
        keep(ACCOUNTING),
        {
            "recipient_email": erase(
                "the address the gift was sent to: emptied when the purchaser or the redeemer "
                "deletes their account (the gift's payment stays as an accounting record)"
            ),
            "code": not_personal("a random code"),
        },
    ),
    "membership_grants": TableRule(
        keep("free months given to a membership: part of the membership's history")
    ),
    "notifications": TableRule(
        erase("the person's own notifications are deleted"),
        {
            "event_key": not_personal("kind and ids, e.g. comment:<uuid>"),
            "kind": not_personal(IDS),
            "data": anonymise(
                "other people's notifications about the person keep their shape; the keys in "
                "pickey_core.erasure.procedure.ACTOR_KEYS / CREATOR_KEYS are blanked"
            ),
        },
    ),
    "notification_deliveries": TableRule(
        erase("the ledger rows of the person's notifications"),
        {
            "provider_message_id": not_personal(IDS),
            "last_error": erase("a provider's error may quote the recipient address"),
        },
    ),
    "notification_preferences": TableRule(
        erase("the person's choices"), {"category": not_personal(IDS)}
    ),
    "email_suppressions": TableRule(
        anonymise("kept as a keyed hash so a complaint or bounce is still honoured"),
        {
            "address": anonymise(
                "replaced by hmac-sha256 of the address (GDPR art. 17(3)(b), art. 21: honouring "
                "the objection needs to recognise the mailbox); see erasure.suppressions"
            ),
            "detail": erase("the provider's text may quote the address"),
        },
    ),
    "webhook_inbox": TableRule(
        anonymise("provider events about the person's address (Mailgun) keep only their type"),
        {
            "provider": not_personal(IDS),
            "external_id": not_personal(IDS),
            "event_type": not_personal(IDS),
            "payload": anonymise(
                "Mailgun events carry the recipient address, headers and subject: reduced to "
                "event, severity and the hashed recipient"
            ),
            "last_error": erase("may quote the payload"),
        },
    ),
    "outbox": TableRule(
        not_personal("job payloads carry ids only (test_contracts_carry_ids_only)"),
        {
            "queue": not_personal(IDS),
            "job_name": not_personal(IDS),
            "payload": not_personal("ids only, by contract (pickey_core.queue.contracts)"),
        },
    ),
    "idempotency_keys": TableRule(
        not_personal(IDS),
        {"key": not_personal(IDS), "result": not_personal("ids and counts")},
    ),
}

# Stores other than PostgreSQL tables, and what erasure does to them.
OTHER_STORES: dict[str, Rule] = {
    "redis pickey:session:*, pickey:user-sessions:*": erase("every session ended at once"),
    "redis pickey:account-token*": erase("every emailed link revoked at once"),
    "redis pickey:creator-page:<slug>": erase("the creator's cached page, after the commit"),
    "redis pickey:api:cache:creator-posts:<creator id>:*": erase(
        "the creator's cached post lists, after the commit"
    ),
    "redis pickey:throttle:*": not_personal("keyed by a SHA-256 of the subject, expire in minutes"),
    "redis arq jobs and results": not_personal("job payloads carry ids only"),
    "logs": not_personal(
        "no personal data is logged: log calls name ids, never names, addresses or texts "
        "(test_log_calls_carry_no_personal_data)"
    ),
    "object storage (uploads)": keep(
        "removed by the media clean-up job, not in the erasure transaction"
    ),
    "providers (Mailgun, Mux, Pusher)": keep("outside our control; their own retention applies"),
}


def is_text_or_json(column: sa.Column[object]) -> bool:
    """Whether a column can hold free text: strings, JSON, arrays; not closed enums."""
    kind = column.type
    if isinstance(kind, sa.Enum):
        return False
    if isinstance(kind, sa.ARRAY):
        return True
    return isinstance(kind, (sa.String, sa.JSON))


def unclassified(metadata: sa.MetaData) -> list[str]:
    """One line per table or text/JSON column missing from :data:`REGISTRY`, saying what to add."""
    problems = []
    for table in metadata.sorted_tables:
        rule = REGISTRY.get(table.name)
        if rule is None:
            problems.append(
                f"table {table.name!r}: add REGISTRY[{table.name!r}] = TableRule(<rows rule>, "
                "{...}) in pickey_core/erasure/registry.py"
            )
            continue
        for column in table.columns:
            if is_text_or_json(column) and column.name not in rule.columns:
                problems.append(
                    f"column {table.name}.{column.name}: add {column.name!r}: erase(why) / "
                    f"anonymise(why) / keep(why) / not_personal(why) to "
                    f"REGISTRY[{table.name!r}].columns in pickey_core/erasure/registry.py "
                    "(and an erasure step for erase/anonymise)"
                )
    return problems


def stale(metadata: sa.MetaData) -> list[str]:
    """Registry entries naming a table or column the models no longer have."""
    problems = []
    for name, rule in REGISTRY.items():
        table = metadata.tables.get(name)
        if table is None:
            problems.append(f"REGISTRY[{name!r}]: no such table")
            continue
        problems += [
            f"REGISTRY[{name!r}].columns[{column!r}]: no such column"
            for column in rule.columns
            if column not in table.columns
        ]
    return problems
