"""Signed playback tokens: RS256 with the signing key's id, one audience per resource, short
expiry; verified here with the public key exactly as Mux would."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pydantic import ValidationError

from pickey_core.providers.mux import MuxConfig
from pickey_core.providers.mux_tokens import (
    Audience,
    PlaybackSigner,
    load_signing_key,
    storyboard_url,
    thumbnail_url,
    video_url,
)
from pickey_core.settings import PickeySettings, describe_validation_error

KEY_ID = "x8RnmoV01s4ZpPH9X5X01Y02YeVmb00M8ZNLUAf0200GV01JmM"
PLAYBACK_ID = "qxb01i6T202018GFS02vp9RIe01icTcDCjVzQpmaB00CUisJ4"
NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)


class _Settings(PickeySettings):
    mux: MuxConfig = MuxConfig()


@pytest.fixture(scope="module")
def private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL
        if isinstance(key, rsa.RSAPrivateKey)
        else serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def as_mux_gives_it(key: rsa.RSAPrivateKey) -> str:
    """Mux's "private_key" field: the PEM, base64-encoded."""
    return base64.b64encode(pem(key)).decode()


def decode(token: str, key: rsa.RSAPrivateKey, audience: str) -> dict[str, object]:
    claims: dict[str, object] = jwt.decode(
        token,
        key.public_key(),
        algorithms=["RS256"],
        audience=audience,
        options={"verify_exp": False},
    )
    return claims


def test_a_token_is_rs256_with_kid_sub_aud_and_a_short_exp(
    private_key: rsa.RSAPrivateKey,
) -> None:
    signer = PlaybackSigner(KEY_ID, private_key, ttl_seconds=900)

    token = signer.token(PLAYBACK_ID, Audience.VIDEO, now=NOW)

    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256"
    assert header["kid"] == KEY_ID
    claims = decode(token, private_key, "v")
    assert claims["sub"] == PLAYBACK_ID
    assert claims["aud"] == "v"
    assert claims["exp"] == int((NOW + timedelta(minutes=15)).timestamp())


def test_tokens_for_video_thumbnail_and_storyboard_are_separate(
    private_key: rsa.RSAPrivateKey,
) -> None:
    tokens = PlaybackSigner(KEY_ID, private_key, ttl_seconds=600).tokens(PLAYBACK_ID, now=NOW)

    assert decode(tokens.video, private_key, "v")["aud"] == "v"
    assert decode(tokens.thumbnail, private_key, "t")["aud"] == "t"
    assert decode(tokens.storyboard, private_key, "s")["aud"] == "s"
    assert len({tokens.video, tokens.thumbnail, tokens.storyboard}) == 3
    # A video token does not open a thumbnail.
    with pytest.raises(jwt.InvalidAudienceError):
        decode(tokens.video, private_key, "t")
    assert tokens.expires_at == NOW + timedelta(minutes=10)


def test_a_token_from_another_key_does_not_verify(private_key: rsa.RSAPrivateKey) -> None:
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = PlaybackSigner(KEY_ID, other, ttl_seconds=900).token(PLAYBACK_ID, Audience.VIDEO)

    with pytest.raises(jwt.InvalidSignatureError):
        decode(token, private_key, "v")


def test_tokens_expire(private_key: rsa.RSAPrivateKey) -> None:
    long_ago = datetime.now(UTC) - timedelta(hours=1)
    token = PlaybackSigner(KEY_ID, private_key, ttl_seconds=60).token(
        PLAYBACK_ID, Audience.VIDEO, now=long_ago
    )

    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(token, private_key.public_key(), algorithms=["RS256"], audience="v")


def test_thumbnail_options_travel_inside_the_token(private_key: rsa.RSAPrivateKey) -> None:
    token = PlaybackSigner(KEY_ID, private_key, ttl_seconds=900).token(
        PLAYBACK_ID, Audience.THUMBNAIL, params={"time": 12, "width": 640}
    )

    claims = decode(token, private_key, "t")
    assert (claims["time"], claims["width"]) == (12, 640)
    assert claims["sub"] == PLAYBACK_ID


def test_urls_carry_the_token_only_when_given() -> None:
    assert video_url(PLAYBACK_ID) == f"https://stream.mux.com/{PLAYBACK_ID}.m3u8"
    assert thumbnail_url(PLAYBACK_ID) == f"https://image.mux.com/{PLAYBACK_ID}/thumbnail.jpg"
    assert storyboard_url(PLAYBACK_ID) == f"https://image.mux.com/{PLAYBACK_ID}/storyboard.vtt"
    signed = urlsplit(video_url(PLAYBACK_ID, "abc.def.ghi"))
    assert (signed.netloc, signed.path) == ("stream.mux.com", f"/{PLAYBACK_ID}.m3u8")
    assert parse_qs(signed.query) == {"token": ["abc.def.ghi"]}
    assert thumbnail_url(PLAYBACK_ID, "t0k").endswith("/thumbnail.jpg?token=t0k")


def test_the_signing_key_is_read_as_mux_gives_it_or_as_a_pem(
    private_key: rsa.RSAPrivateKey,
) -> None:
    numbers = private_key.private_numbers()

    assert load_signing_key(as_mux_gives_it(private_key)).private_numbers() == numbers
    assert load_signing_key(pem(private_key).decode()).private_numbers() == numbers


@pytest.mark.parametrize(
    "make_value",
    [
        lambda: "",
        lambda: "not base64 at all!",
        lambda: base64.b64encode(b"just some bytes").decode(),
        lambda: base64.b64encode(pem(ec.generate_private_key(ec.SECP256R1()))).decode(),
        lambda: as_mux_gives_it(rsa.generate_private_key(public_exponent=65537, key_size=1024)),
    ],
    ids=["empty", "not-base64", "not-a-pem", "not-rsa", "too-short"],
)
def test_unusable_signing_keys_are_refused_at_start_up(make_value: object) -> None:
    """The start-up message names the variable and never shows the key."""
    value = make_value()  # type: ignore[operator]
    mux = {"token_id": "id", "token_secret": "s3cret-token", "signing_private_key": value}

    with pytest.raises(ValidationError) as raised:
        _Settings(_env_file=None, mux=mux)

    message = describe_validation_error(raised.value, _Settings)
    assert message.startswith("PICKEY_MUX__SIGNING_PRIVATE_KEY: ")
    assert "Mux signing key" in message
    if value:
        assert value not in message


def test_signer_from_config_signs_with_the_configured_key(private_key: rsa.RSAPrivateKey) -> None:
    config = MuxConfig(
        token_id="id",
        token_secret="s3cret-token",
        signing_key_id=KEY_ID,
        signing_private_key=as_mux_gives_it(private_key),
        playback_token_ttl_seconds=300,
    )

    token = PlaybackSigner.from_config(config).token(PLAYBACK_ID, Audience.VIDEO, now=NOW)

    assert decode(token, private_key, "v")["exp"] == int((NOW + timedelta(minutes=5)).timestamp())
    assert jwt.get_unverified_header(token)["kid"] == KEY_ID


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_placeholder_credentials_are_refused_outside_development(environment: str) -> None:
    with pytest.raises(ValidationError) as raised:
        _Settings(_env_file=None, environment=environment)

    assert "PICKEY_MUX__" in str(raised.value)


def test_development_signs_with_a_throwaway_key() -> None:
    """The development defaults need no key: tokens are signed, with a key made at start-up."""
    signer = PlaybackSigner.from_config(MuxConfig())

    token = signer.token(PLAYBACK_ID, Audience.VIDEO)

    assert jwt.get_unverified_header(token)["kid"] == MuxConfig().signing_key_id
