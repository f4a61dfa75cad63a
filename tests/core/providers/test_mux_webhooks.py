"""Mux webhook signature rules and their settings, on bytes and values (no network)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pickey_core.providers.mux_webhooks import (
    MuxWebhookConfig,
    SignatureProblem,
    WebhookSignatureError,
    parse_header,
    verify,
)
from pickey_core.settings import load_settings
from pickey_media.settings import MediaSettings
from tests.support.mux_events import signed_headers

BODY = b'{"type":"video.asset.ready","id":"e1"}'
NOW = 1_800_000_000


def header(*secrets: str, timestamp: int = NOW) -> str:
    return signed_headers(BODY, *secrets, timestamp=timestamp)["Mux-Signature"]


def problem(value: str | None, body: bytes = BODY, secrets: str = "s1") -> SignatureProblem:
    with pytest.raises(WebhookSignatureError) as raised:
        verify(value, body, MuxWebhookConfig(secrets=secrets), now=NOW)
    assert "s1" not in raised.value.message
    return raised.value.problem


def test_the_signed_timestamp_is_returned_for_a_genuine_request() -> None:
    assert verify(header("s1"), BODY, MuxWebhookConfig(secrets="s1"), now=NOW) == NOW


def test_uppercase_hex_and_unknown_schemes_are_read_like_mux_does() -> None:
    value = header("s1").upper().replace("T=", "t=").replace("V1=", "v1=") + ",v0=abc"
    assert verify(value, BODY, MuxWebhookConfig(secrets="s1"), now=NOW) == NOW


def test_any_of_the_configured_secrets_matches_in_any_position() -> None:
    config = MuxWebhookConfig(secrets="new-secret, old-secret")
    assert verify(header("old-secret"), BODY, config, now=NOW) == NOW
    assert verify(header("other", "new-secret"), BODY, config, now=NOW) == NOW


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, SignatureProblem.MISSING),
        ("  ", SignatureProblem.MISSING),
        ("t=1", SignatureProblem.MALFORMED),
        ("t=-1,v1=" + "0" * 64, SignatureProblem.MALFORMED),
        ("t=" + "9" * 13 + ",v1=" + "0" * 64, SignatureProblem.MALFORMED),
        ("t=1,v1=" + "0" * 63, SignatureProblem.MALFORMED),
        ("x" * 3000, SignatureProblem.MALFORMED),
    ],
)
def test_headers_that_are_not_mux_signatures(value: str | None, expected: SignatureProblem) -> None:
    assert problem(value) is expected


def test_a_wrong_secret_or_body_is_a_mismatch_before_the_time_is_considered() -> None:
    assert problem(header("s2")) is SignatureProblem.MISMATCH
    assert problem(header("s1"), body=BODY + b" ") is SignatureProblem.MISMATCH
    assert problem(header("s2", timestamp=NOW - 10_000)) is SignatureProblem.MISMATCH


def test_the_tolerance_is_inclusive_and_applies_both_ways() -> None:
    config = MuxWebhookConfig(secrets="s1", tolerance_seconds=300)
    assert verify(header("s1", timestamp=NOW - 300), BODY, config, now=NOW) == NOW - 300
    assert verify(header("s1", timestamp=NOW + 300), BODY, config, now=NOW) == NOW + 300
    assert problem(header("s1", timestamp=NOW - 301)) is SignatureProblem.EXPIRED
    assert problem(header("s1", timestamp=NOW + 301)) is SignatureProblem.EXPIRED


def test_several_v1_values_are_all_kept() -> None:
    parsed = parse_header(header("a", "b", "c"))
    assert (parsed.timestamp, len(parsed.signatures)) == (str(NOW), 3)


@pytest.mark.parametrize("secrets", ["", ",", "a,,b", "a, "])
def test_an_empty_secret_in_the_list_is_refused(secrets: str) -> None:
    with pytest.raises(ValidationError):
        MuxWebhookConfig(secrets=secrets)


def test_the_development_secret_is_refused_outside_development(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PICKEY_ENVIRONMENT", "production")
    monkeypatch.setenv("PICKEY_STORAGE__BACKEND", "s3")
    monkeypatch.setenv("PICKEY_MUX_WEBHOOK__SECRETS", "sandbox")

    with pytest.raises(SystemExit):
        load_settings(MediaSettings)

    assert "PICKEY_MUX_WEBHOOK__SECRETS is a placeholder" in capsys.readouterr().err


def test_secrets_come_from_one_comma_separated_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PICKEY_MUX_WEBHOOK__SECRETS", "whsec-new,whsec-old")

    settings = MediaSettings(_env_file=None)

    assert settings.mux_webhook.secret_keys() == [b"whsec-new", b"whsec-old"]
    assert "whsec" not in repr(settings)
