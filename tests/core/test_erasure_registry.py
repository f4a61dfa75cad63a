"""The erasure registry covers every table and every text or JSON column, and every table it
marks erase/anonymise has a step in the procedure; job payloads and log calls carry no personal
data (so the outbox, Redis and the logs need no erasing)."""

from __future__ import annotations

import ast
import types
import typing
import uuid
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from pickey_core.erasure import registry
from pickey_core.erasure.procedure import STEPS
from pickey_core.models import Base
from pickey_core.queue import contracts

ROOT = Path(__file__).resolve().parents[2]


def test_every_table_and_text_or_json_column_is_classified() -> None:
    problems = registry.unclassified(Base.metadata)
    assert problems == [], "\n".join(problems)


def test_the_registry_names_only_tables_and_columns_that_exist() -> None:
    assert registry.stale(Base.metadata) == []


def test_a_new_text_column_or_table_fails_with_what_to_add() -> None:
    metadata = sa.MetaData()
    sa.Table(
        "users",
        metadata,
        sa.Column("email", sa.String(320)),
        sa.Column("password_hash", sa.String),
        sa.Column("display_name", sa.String),
        sa.Column("locale", sa.String),
        sa.Column("phone", sa.String(32)),
        sa.Column("tags", sa.ARRAY(sa.Text)),
        sa.Column("status", sa.Enum("a", "b", native_enum=False)),
        sa.Column("age", sa.Integer),
    )
    sa.Table("addresses", metadata, sa.Column("street", sa.Text), sa.Column("extra", JSONB))

    problems = registry.unclassified(metadata)

    assert len(problems) == 3, problems
    [table] = [problem for problem in problems if problem.startswith("table 'addresses'")]
    assert "REGISTRY['addresses'] = TableRule(" in table
    [phone] = [problem for problem in problems if "users.phone" in problem]
    assert "add 'phone': erase(why) / anonymise(why) / keep(why) / not_personal(why)" in phone
    assert "REGISTRY['users'].columns" in phone
    assert any("users.tags" in problem for problem in problems)


def test_every_table_erasure_acts_on_has_a_step() -> None:
    stepped = [table for table, _step in STEPS]
    acted_on = {
        name
        for name, rule in registry.REGISTRY.items()
        if rule.rows.treatment in registry.ACTED_ON
        or any(column.treatment in registry.ACTED_ON for column in rule.columns.values())
    }
    assert len(stepped) == len(set(stepped))
    assert acted_on - set(stepped) == set()
    assert set(stepped) <= set(registry.REGISTRY)


def test_every_rule_says_why() -> None:
    rules = [rule.rows for rule in registry.REGISTRY.values()]
    rules += [column for rule in registry.REGISTRY.values() for column in rule.columns.values()]
    rules += list(registry.OTHER_STORES.values())
    assert all(len(rule.why) > 5 for rule in rules)


# str fields of job payloads that carry no personal data, and why.
ALLOWED_STRINGS = {
    ("SendAccountEmail", "token"): "a one-time secret, revoked at deletion; not about the person",
    ("MembershipNotice", "event_key"): "kind and ids",
    ("AnnounceLive", "broadcast_id"): "a Mux id",
    ("FanOutChunk", "broadcast_id"): "a Mux id",
    ("RecheckPayment", "reason"): "the payment's state when the contradicting return came",
}
ID_TYPES = (uuid.UUID, datetime, int, type(None))


def _carries_ids_only(annotation: object) -> bool:
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return True
    if origin in (typing.Union, types.UnionType):
        return all(_carries_ids_only(arg) for arg in typing.get_args(annotation))
    return isinstance(annotation, type) and issubclass(annotation, ID_TYPES)


def test_job_payloads_carry_ids_only() -> None:
    """So outbox rows and arq jobs in Redis never hold a name, an address or a text: erasure
    does not have to find them (the consumer reads the anonymised rows)."""
    payloads = [
        item
        for item in vars(contracts).values()
        if isinstance(item, type)
        and issubclass(item, contracts.JobPayload)
        and item is not contracts.JobPayload
    ]
    assert len(payloads) >= 10
    offending = [
        f"{payload.__name__}.{name}: {field.annotation}"
        for payload in payloads
        for name, field in payload.model_fields.items()
        if (payload.__name__, name) not in ALLOWED_STRINGS
        and not _carries_ids_only(field.annotation)
    ]
    assert offending == [], "a job payload field may carry personal data: " + ", ".join(offending)


PERSONAL_LOG_FIELDS = {
    "email",
    "address",
    "recipient",
    "display_name",
    "name",
    "fan_name",
    "commenter_name",
    "body",
    "text",
    "excerpt",
    "title",
    "bio",
}
LOG_METHODS = {"debug", "info", "warning", "error", "exception", "critical"}


def test_log_calls_carry_no_personal_data() -> None:
    """Logs we control hold no personal data in the first place: no log call in our code passes
    a field named like a name, an address or a text (structured logging: fields are keywords)."""
    offending = []
    sources = [*ROOT.glob("libs/*/src/**/*.py"), *ROOT.glob("services/*/src/**/*.py")]
    assert len(sources) > 100
    for path in sources:
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in LOG_METHODS
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in {"logger", "log"}
            ):
                offending += [
                    f"{path.relative_to(ROOT)}:{node.lineno} {keyword.arg}="
                    for keyword in node.keywords
                    if keyword.arg in PERSONAL_LOG_FIELDS
                ]
    assert offending == [], "\n".join(offending)
