"""Signature vectors made with throwaway keys: what we sign, what we accept, what we refuse."""

from __future__ import annotations

import base64
from urllib.parse import urlsplit

import pytest

from pickey_core.gpwebpay.codes import Outcome, field_named_by, outcome_of
from pickey_core.gpwebpay.http_api import (
    DIGEST_VARIANTS,
    BadSignature,
    ForbiddenCharacters,
    GatewayResponse,
    InvalidOrderField,
    MalformedResponse,
    MissingDigest,
    OrderRequest,
    build_order_request,
    loggable,
    parse_raw_query,
    parse_raw_return,
    verify_response,
)
from pickey_core.gpwebpay.signing import digest_text, verify
from pickey_core.gpwebpay.transliteration import to_printable_ascii
from tests.support.gpwebpay_keys import key_pair
from tests.support.gpwebpay_signing import sign_response

MERCHANT = "0012345678"
MERCHANT_KEY = key_pair("merchant")
GATEWAY_KEY = key_pair("gateway")
OTHER_KEY = key_pair("other")

FULL_RESPONSE = [
    ("OPERATION", "CREATE_ORDER"),
    ("ORDERNUMBER", "123456789012345"),
    ("MERORDERNUM", "42"),
    ("MD", "pay:42"),
    ("PRCODE", "0"),
    ("SRCODE", "0"),
    ("RESULTTEXT", "OK"),
    ("USERPARAM1", "R"),
    ("ADDINFO", "<info/>"),
    ("TOKEN", "tok"),
    ("EXPIRY", "2812"),
    ("ACSRES", "Y"),
    ("ACCODE", "123456"),
    ("PANPATTERN", "****1234"),
    ("DAYTOCAPTURE", "20261130"),
    ("TOKENREGSTATUS", "OK"),
    ("ACRC", "00"),
    ("RRN", "987654321"),
    ("PAR", "PAR1"),
    ("TRACEID", "trace-1"),
]
MINIMAL_RESPONSE = [
    ("OPERATION", "CREATE_ORDER"),
    ("ORDERNUMBER", "7"),
    ("PRCODE", "50"),
    ("SRCODE", "0"),
]


def signed(fields: list[tuple[str, str]], merchant: str = MERCHANT) -> list[tuple[str, str]]:
    return sign_response(fields, merchant_number=merchant, key=GATEWAY_KEY)


def check(params: list[tuple[str, str]], merchant: str = MERCHANT) -> GatewayResponse:
    return verify_response(params, merchant_number=merchant, gateway_key=GATEWAY_KEY.public_key())


def order(**changes: object) -> OrderRequest:
    values: dict[str, object] = {
        "merchant_number": MERCHANT,
        "order_number": 123456789012345,
        "amount": 12_900,
        "currency": "CZK",
        "url": "https://pay.pickey.test/payments/v1/gpwebpay/return",
    }
    values.update(changes)
    return OrderRequest(**values)  # type: ignore[arg-type]


def test_request_with_every_field_is_signed_in_digest_order_and_lang_is_not_signed() -> None:
    request = build_order_request(
        order(
            deposit=False,
            merordernum="42",
            description="Členství: Žluťoučký kůň",
            md="pay:42",
            recurring_master=True,
            email="fan@example.com",
            lang="cs",
        ),
        MERCHANT_KEY,
    )
    names = [name for name, _ in request.fields]
    assert names == [
        "MERCHANTNUMBER", "OPERATION", "ORDERNUMBER", "AMOUNT", "CURRENCY", "DEPOSITFLAG",
        "MERORDERNUM", "URL", "DESCRIPTION", "MD", "USERPARAM1", "EMAIL", "DIGEST", "LANG",
    ]  # fmt: skip
    values = dict(request.fields)
    assert values["MERCHANTNUMBER"] == "0012345678"
    assert values["CURRENCY"] == "203"
    assert values["DEPOSITFLAG"] == "0"
    assert values["DESCRIPTION"] == "Clenstvi: Zlutoucky kun"
    assert values["USERPARAM1"] == "R"
    text = digest_text([value for name, value in request.fields[:-2]])
    assert verify(MERCHANT_KEY.public_key(), text, values["DIGEST"])
    assert not verify(MERCHANT_KEY.public_key(), text + "|cs", values["DIGEST"])


def test_minimal_request_has_only_the_required_fields() -> None:
    request = build_order_request(order(currency="EUR"), MERCHANT_KEY)
    assert [name for name, _ in request.fields] == [
        "MERCHANTNUMBER", "OPERATION", "ORDERNUMBER", "AMOUNT", "CURRENCY", "DEPOSITFLAG", "URL",
        "DIGEST",
    ]  # fmt: skip
    values = dict(request.fields)
    text = "0012345678|CREATE_ORDER|123456789012345|12900|978|1|" + values["URL"]
    assert verify(MERCHANT_KEY.public_key(), text, values["DIGEST"])


def test_redirect_url_keeps_plus_and_slash_of_the_digest() -> None:
    for number in range(1, 200):
        request = build_order_request(order(order_number=number), MERCHANT_KEY)
        if "+" in request.digest:
            break
    else:
        pytest.fail("no digest with a + in 200 tries")
    url = request.redirect_url("https://gw.test/pgw/order.do")
    query = urlsplit(url).query
    assert "+" not in query
    assert dict(parse_raw_query(query))["DIGEST"] == request.digest


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"merchant_number": "12345678901"}, "MERCHANTNUMBER"),
        ({"merchant_number": 12345}, "MERCHANTNUMBER"),
        ({"order_number": "0123"}, "ORDERNUMBER"),
        ({"order_number": "1234567890123456"}, "ORDERNUMBER"),
        ({"amount": 12.9}, "AMOUNT"),
        ({"amount": -1}, "AMOUNT"),
        ({"currency": "USD"}, "CURRENCY"),
        ({"url": "https://x.test/" + "a" * 300}, "URL"),
        ({"merordernum": "A1"}, "MERORDERNUM"),
        ({"md": "žluť"}, "MD"),
        ({"md": "x" * 256}, "MD"),
        ({"md": "x\r\n"}, "MD"),
        ({"lang": "fr"}, "LANG"),
    ],
)
def test_invalid_request_values_are_refused_before_signing(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidOrderField) as raised:
        build_order_request(order(**changes), MERCHANT_KEY)
    assert raised.value.field == field


def test_description_is_transliterated_single_line_and_capped() -> None:
    request = build_order_request(order(description="Ř" * 300 + "\r\nnext"), MERCHANT_KEY)
    assert dict(request.fields)["DESCRIPTION"] == "R" * 255


def test_transliteration_of_czech_text() -> None:
    assert to_printable_ascii("Příliš žluťoučký kůň úpěl ďábelské ódy") == (
        "Prilis zlutoucky kun upel dabelske ody"
    )
    assert to_printable_ascii("  „Tip“ \u2013 100 €\r\n\tdíky…  ") == '"Tip" - 100 EUR diky...'
    assert to_printable_ascii("emoji 🎉") == "emoji ?"


@pytest.mark.parametrize("fields", [FULL_RESPONSE, MINIMAL_RESPONSE])
def test_signed_responses_verify(fields: list[tuple[str, str]]) -> None:
    response = check(signed(fields))
    assert response.order_number == dict(fields)["ORDERNUMBER"]


def test_full_response_is_read_into_typed_fields() -> None:
    response = verify_response(
        signed(FULL_RESPONSE), merchant_number=MERCHANT, gateway_key=GATEWAY_KEY.public_key()
    )
    assert (response.prcode, response.srcode, response.outcome) == ("0", "0", Outcome.PAID)
    assert (response.md, response.merordernum, response.userparam1) == ("pay:42", "42", "R")
    assert (response.token, response.expiry, response.result_text) == ("tok", "2812", "OK")
    assert response.extra["TRACEID"] == "trace-1"


def test_blank_md_is_signed_as_an_empty_slot() -> None:
    fields = [*MINIMAL_RESPONSE[:2], ("MD", ""), *MINIMAL_RESPONSE[2:]]
    params = signed(fields)
    response = verify_response(
        parse_raw_query("&".join(f"{k}={v}" for k, v in _quoted(params))),
        merchant_number=MERCHANT,
        gateway_key=GATEWAY_KEY.public_key(),
    )
    assert response.md == ""
    without_blank = [(k, v) for k, v in params if k != "MD"]
    with pytest.raises(BadSignature):
        check(without_blank)


def test_userparam1_is_signed_between_resulttext_and_addinfo() -> None:
    """The reading most open-source clients use; a digest made without it is the other documented
    reading: accepted, but USERPARAM1 is then not covered, so it is not read."""
    fields = [*MINIMAL_RESPONSE, ("RESULTTEXT", "OK"), ("ADDINFO", "x")]
    text_without = digest_text(["CREATE_ORDER", "7", "50", "0", "OK", "x"])
    from pickey_core.gpwebpay.signing import sign

    forged = [
        *fields,
        ("USERPARAM1", "R"),
        ("DIGEST", sign(GATEWAY_KEY, text_without)),
        ("DIGEST1", sign(GATEWAY_KEY, text_without + "|" + MERCHANT)),
    ]
    accepted = check(forged)
    assert (accepted.userparam1, accepted.digest_variant) == (
        None,
        "without_userparam1_blank_slots",
    )
    assert check(signed([*fields, ("USERPARAM1", "R")])).userparam1 == "R"
    assert check(signed(fields)).userparam1 is None


def test_plus_turned_into_space_by_form_decoding_still_verifies() -> None:
    for number in range(1, 300):
        params = signed([("OPERATION", "CREATE_ORDER"), ("ORDERNUMBER", str(number)),
                         ("PRCODE", "0"), ("SRCODE", "0")])  # fmt: skip
        if "+" in dict(params)["DIGEST"]:
            break
    else:
        pytest.fail("no digest with a + in 300 tries")
    unencoded = "&".join(f"{k}={v}" for k, v in params)  # a sloppy sender: raw + in the query
    assert check(parse_raw_query(unencoded))


@pytest.mark.parametrize("index", range(len(FULL_RESPONSE)))
def test_tampering_with_any_single_field_is_refused(index: int) -> None:
    params = signed(FULL_RESPONSE)
    name, value = params[index]
    params[index] = (name, value + "1")
    with pytest.raises(BadSignature):
        check(params)


def test_swapped_digests_wrong_merchant_and_wrong_key_are_refused() -> None:
    params = dict(signed(FULL_RESPONSE))
    params["DIGEST"], params["DIGEST1"] = params["DIGEST1"], params["DIGEST"]
    with pytest.raises(BadSignature):
        check(list(params.items()))
    with pytest.raises(BadSignature):
        check(signed(FULL_RESPONSE), merchant="12345678")  # leading zeros matter
    other = sign_response(FULL_RESPONSE, merchant_number=MERCHANT, key=OTHER_KEY)
    with pytest.raises(BadSignature):
        check(other)
    ours = sign_response(FULL_RESPONSE, merchant_number=MERCHANT, key=MERCHANT_KEY)
    with pytest.raises(BadSignature):
        check(ours)


def test_missing_or_garbage_digests_and_unknown_fields_are_refused() -> None:
    params = signed(MINIMAL_RESPONSE)
    with pytest.raises(MissingDigest):
        check([p for p in params if p[0] != "DIGEST1"])
    with pytest.raises(MissingDigest):
        check([(k, "" if k == "DIGEST" else v) for k, v in params])
    with pytest.raises(BadSignature):
        check([(k, "not base64!" if k == "DIGEST" else v) for k, v in params])
    assert check([*params, ("LANG", "cs"), ("NEWFIELD", "x")]).ignored == ("LANG", "NEWFIELD")
    with pytest.raises(MalformedResponse):
        check([*params, ("PRCODE", "0")])
    with pytest.raises(MalformedResponse):
        check(signed([("OPERATION", "CREATE_ORDER"), ("PRCODE", "0"), ("SRCODE", "0")]))


@pytest.mark.parametrize(
    ("prcode", "srcode", "outcome"),
    [
        (0, 0, Outcome.PAID),
        (0, 1, Outcome.FAILED),
        (26, 0, Outcome.UNKNOWN),
        (300, 0, Outcome.SCA_REQUIRED),
        (1, 1, Outcome.OUR_BUG),
        (5, 34, Outcome.OUR_BUG),
        (11, 0, Outcome.CONFIGURATION_ERROR),
        (14, 0, Outcome.DUPLICATE_ORDER),
        (28, 3000, Outcome.FAILED),
        (30, 1002, Outcome.FAILED),
        (31, 0, Outcome.CONFIGURATION_ERROR),
        (32, 0, Outcome.FAILED),
        (33, 0, Outcome.CHAIN_BROKEN),
        (34, 0, Outcome.CHAIN_BROKEN),
        (35, 0, Outcome.FAILED),
        (46, 0, Outcome.FAILED),
        (50, 0, Outcome.CANCELLED),
        (85, 300, Outcome.SCA_REQUIRED),
        (86, 300, Outcome.SCA_REQUIRED),
        ("1000", "0", Outcome.UNKNOWN),
        (999, 0, Outcome.FAILED),
    ],
)
def test_prcode_table(prcode: int, srcode: int, outcome: Outcome) -> None:
    assert outcome_of(prcode, srcode) is outcome


def test_srcode_names_the_field() -> None:
    assert field_named_by("3", "34") == "DIGEST"
    assert field_named_by(30, 1002) is None


def _quoted(params: list[tuple[str, str]]) -> list[tuple[str, str]]:
    from urllib.parse import quote

    return [(k, quote(v, safe="")) for k, v in params]


def test_base64_is_standard() -> None:
    digest = dict(signed(MINIMAL_RESPONSE))["DIGEST"]
    assert len(base64.b64decode(digest)) == 256


VARIANT_RESPONSE = [
    ("OPERATION", "CREATE_ORDER"),
    ("ORDERNUMBER", "9"),
    ("MERORDERNUM", "9"),
    ("MD", ""),
    ("PRCODE", "0"),
    ("SRCODE", "0"),
    ("RESULTTEXT", "OK"),
    ("USERPARAM1", "card-hash"),
    ("ADDINFO", ""),
]


@pytest.mark.parametrize("variant", DIGEST_VARIANTS, ids=lambda v: v.name)
def test_every_documented_field_list_verifies_and_is_named(variant: object) -> None:
    assert variant in DIGEST_VARIANTS
    params = sign_response(
        VARIANT_RESPONSE,
        merchant_number=MERCHANT,
        key=GATEWAY_KEY,
        variant=variant,  # type: ignore[arg-type]
    )
    response = check(params)
    assert response.digest_variant == variant.name  # type: ignore[attr-defined]
    expected_userparam1 = "card-hash" if variant.userparam1 else None  # type: ignore[attr-defined]
    assert response.userparam1 == expected_userparam1
    assert response.outcome is Outcome.PAID


@pytest.mark.parametrize("variant", DIGEST_VARIANTS, ids=lambda v: v.name)
def test_every_reading_is_still_a_real_verification_with_the_gateway_key(variant: object) -> None:
    forged = sign_response(
        VARIANT_RESPONSE,
        merchant_number=MERCHANT,
        key=OTHER_KEY,
        variant=variant,  # type: ignore[arg-type]
    )
    with pytest.raises(BadSignature):
        check(forged)
    tampered = [(k, "1" if k == "PRCODE" else v) for k, v in signed(VARIANT_RESPONSE)]
    with pytest.raises(BadSignature):
        check(tampered)


def test_when_all_readings_agree_the_variant_is_any() -> None:
    assert check(signed(MINIMAL_RESPONSE)).digest_variant == "any"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ORDERNUMBER", "7\x00"),
        ("RESULTTEXT", "OK\x01"),
        ("MD", "pay\n42"),
        ("RESULTTEXT", "OK\x7f"),
        ("RESULTTEXT", "OK\u0085"),
        ("NEWFIELD", "x\x00"),
    ],
)
def test_control_characters_are_refused_even_when_signed(name: str, value: str) -> None:
    fields = dict(MINIMAL_RESPONSE)
    fields[name] = value
    with pytest.raises(ForbiddenCharacters):
        check(signed(list(fields.items())))


def test_a_control_character_in_a_parameter_name_is_refused() -> None:
    with pytest.raises(ForbiddenCharacters):
        check([*signed(MINIMAL_RESPONSE), ("X\x00", "1")])


def test_addinfo_may_hold_xml_whitespace() -> None:
    fields = [*MINIMAL_RESPONSE, ("ADDINFO", "<info>\r\n\t<a/>\n</info>")]
    assert check(signed(fields)).extra["ADDINFO"].startswith("<info>")


def test_windows_1250_resulttext_verifies_over_raw_bytes_and_reads_as_text() -> None:
    text = "Zamítnuto v autorizačním centru"
    fields: list[tuple[str, bytes]] = [
        ("OPERATION", b"CREATE_ORDER"),
        ("ORDERNUMBER", b"8"),
        ("PRCODE", b"30"),
        ("SRCODE", b"1002"),
        ("RESULTTEXT", text.encode("cp1250")),
    ]
    params = sign_response(fields, merchant_number=MERCHANT, key=GATEWAY_KEY)
    from urllib.parse import quote_from_bytes

    query = "&".join(
        f"{k}={quote_from_bytes(v if isinstance(v, bytes) else v.encode(), safe='')}"
        for k, v in params
    )
    response = check(parse_raw_return(query))  # type: ignore[arg-type]
    assert (response.result_text, response.outcome) == (text, Outcome.FAILED)
    # The same text re-encoded as UTF-8 is not what was signed.
    with pytest.raises(BadSignature):
        check([(k, text if k == "RESULTTEXT" else v) for k, v in params])  # type: ignore[misc]


def test_bytes_that_are_neither_utf8_nor_windows_1250_are_malformed() -> None:
    with pytest.raises(MalformedResponse):
        check(parse_raw_return("OPERATION=CREATE_ORDER&RESULTTEXT=%81%98"))  # type: ignore[arg-type]


def test_logged_values_are_escaped_and_truncated() -> None:
    assert loggable("7\x00\n") == "7\\x00\\n"
    assert loggable("9" * 500) == "9" * 64 + "..."
    assert loggable(None) is None
