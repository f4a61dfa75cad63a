"""Pusher signatures against the worked examples of Pusher's documentation, and Pickey's channel
names."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError

from pickey_api.settings import ApiSettings
from pickey_core.providers.pusher import (
    PusherConfig,
    body_md5,
    creator_channel,
    is_valid_channel_name,
    is_valid_socket_id,
    live_channel,
    parse_channel,
    presence_channel_auth,
    presence_channel_data,
    private_channel_auth,
    request_signature,
    signed_query,
    string_to_sign,
    user_channel,
)
from pickey_core.settings import StorageBackend, StorageConfig
from pickey_sandbox.pusher.signature import AuthenticationFailed, authenticate

KEY = "278d425bdf160c739803"
SECRET = "7ad3773142a6692b25b8"
EVENTS_BODY = b'{"name":"foo","channels":["project-3"],"data":"{\\"some\\":\\"data\\"}"}'
TIMESTAMP = 1353088179
VECTOR = PusherConfig(app_id="3", key=KEY, secret=SECRET)


def test_private_channel_vector() -> None:
    auth = private_channel_auth(KEY, SECRET, "1234.1234", "private-foobar")

    assert auth == f"{KEY}:58df8b0c36d6982b82c3ecf6b4662e34fe8c25bba48f5369f135bf843651c3a4"


def test_presence_channel_vector_signs_channel_data_byte_for_byte() -> None:
    channel_data = presence_channel_data(10, {"name": "Mr. Channels"})

    auth = presence_channel_auth(KEY, SECRET, "1234.1234", "presence-foobar", channel_data)

    assert channel_data == '{"user_id":10,"user_info":{"name":"Mr. Channels"}}'
    assert auth == f"{KEY}:31935e7d86dba64c2a90aed31fdc61869f9b22ba9d8863bba239c03ca481bc80"


def test_presence_channel_data_is_ascii_json() -> None:
    channel_data = presence_channel_data("u-1", {"name": "Gordíkey"})

    assert channel_data == '{"user_id":"u-1","user_info":{"name":"Gord\\u00edkey"}}'
    assert channel_data.isascii()


def test_events_request_vector() -> None:
    query = signed_query(VECTOR, "POST", "/apps/3/events", body=EVENTS_BODY, timestamp=TIMESTAMP)

    assert body_md5(EVENTS_BODY) == "ec365a775a4cd0599faeb73354201b6f"
    assert query == {
        "auth_key": KEY,
        "auth_timestamp": str(TIMESTAMP),
        "auth_version": "1.0",
        "body_md5": "ec365a775a4cd0599faeb73354201b6f",
        "auth_signature": "da454824c97ba181a32ccc17a72625ba02771f50b50e1e7430e47a1f3f457e6c",
    }


def test_string_to_sign_sorts_lower_cased_keys_unescaped_and_leaves_out_the_signature() -> None:
    signed = string_to_sign(
        "post", "/apps/3/events", {"b": "x y", "A": "1", "auth_signature": "ignored"}
    )

    assert signed == "POST\n/apps/3/events\na=1&b=x y"


def test_a_request_without_body_has_no_body_md5() -> None:
    query = signed_query(
        VECTOR, "GET", "/apps/3/channels", body=None, timestamp=TIMESTAMP, params={"info": "x"}
    )

    assert "body_md5" not in query
    assert query["info"] == "x"
    assert query["auth_signature"] == request_signature(
        SECRET,
        "GET",
        "/apps/3/channels",
        {"auth_key": KEY, "auth_timestamp": str(TIMESTAMP), "auth_version": "1.0", "info": "x"},
    )


def test_what_the_client_signs_pusher_accepts_and_tampering_it_refuses() -> None:
    """The stand-in checks requests as Pusher documents it, written apart from our client."""
    query = signed_query(VECTOR, "POST", "/apps/3/events", body=EVENTS_BODY, timestamp=TIMESTAMP)
    path = "/apps/3/events"

    def accepted(
        query: dict[str, str],
        *,
        secret: str = SECRET,
        path: str = path,
        body: bytes = EVENTS_BODY,
        now: float = TIMESTAMP,
    ) -> bool:
        try:
            authenticate(
                key=KEY, secret=secret, method="POST", path=path, query=query, body=body, now=now
            )
        except AuthenticationFailed:
            return False
        return True

    assert accepted(query, now=TIMESTAMP + 30)
    assert not accepted(query, secret="wrong-secret")
    assert not accepted(query, body=EVENTS_BODY + b" ")
    assert not accepted(query, path="/apps/4/events")
    assert not accepted(query, now=TIMESTAMP + 601)
    assert not accepted(query, now=TIMESTAMP - 601)
    for name, value in [
        ("auth_version", "2.0"),
        ("auth_timestamp", "soon"),
        ("auth_signature", "0" * 64),
        ("auth_key", "other-key"),
    ]:
        assert not accepted({**query, name: value})
    assert not accepted({name: value for name, value in query.items() if name != "auth_signature"})


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("private-foobar", True),
        ("presence-live-x_y=z@a,b.c;d", True),
        ("a" * 164, True),
        ("a" * 165, False),
        ("", False),
        ("private-foo bar", False),
        ("private-foo/bar", False),
        ("private-foo\n", False),
        ("private-fóo", False),
    ],
)
def test_channel_names(name: str, valid: bool) -> None:
    assert is_valid_channel_name(name) is valid


@pytest.mark.parametrize(
    ("socket_id", "valid"),
    [
        ("1234.1234", True),
        ("123456789.987654321", True),
        ("1234", False),
        ("1234.", False),
        ("a.1", False),
        ("1234.1234\n", False),
        ("1234.1234:private-x", False),
        ("١٢.٣٤", False),  # Arabic-Indic digits are digits to \d, not to Pusher
    ],
)
def test_socket_ids(socket_id: str, valid: bool) -> None:
    assert is_valid_socket_id(socket_id) is valid


def test_pickey_channel_names_round_trip() -> None:
    some_id = uuid.uuid4()

    assert parse_channel(user_channel(some_id)) == ("private-user-", some_id)
    assert parse_channel(creator_channel(some_id)) == ("private-creator-", some_id)
    assert parse_channel(live_channel(some_id)) == ("presence-live-", some_id)
    assert all(
        is_valid_channel_name(name)
        for name in (user_channel(some_id), creator_channel(some_id), live_channel(some_id))
    )


@pytest.mark.parametrize(
    "name",
    [
        "private-user-not-a-uuid",
        "private-user-{upper}",
        "private-user-{hex}",
        "private-someone-{id}",
        "presence-creator-{id}",
        "private-encrypted-user-{id}",
        "creator-{id}",
    ],
)
def test_other_channel_names_are_not_pickeys(name: str) -> None:
    some_id = uuid.uuid4()
    spelled = name.format(id=some_id, upper=str(some_id).upper(), hex=some_id.hex)

    assert parse_channel(spelled) is None


def test_api_url_defaults_to_the_cluster_and_can_point_at_a_sandbox() -> None:
    assert PusherConfig(cluster="mt1").api_url == "https://api-mt1.pusher.com"
    assert PusherConfig(base_url="http://127.0.0.1:9000/").api_url == "http://127.0.0.1:9000"


def test_the_placeholder_secret_is_refused_outside_development() -> None:
    with pytest.raises(ValidationError, match="PICKEY_PUSHER__SECRET is a placeholder"):
        ApiSettings(
            _env_file=None,
            environment="production",
            session_secret="a-real-session-secret-0123456789abcdef",
            storage=StorageConfig(backend=StorageBackend.S3),
        )


def test_the_secret_never_shows_in_the_config_repr() -> None:
    config = PusherConfig(secret="very-secret-value")

    assert "very-secret-value" not in repr(config)
    assert "very-secret-value" not in str(config.model_dump())
