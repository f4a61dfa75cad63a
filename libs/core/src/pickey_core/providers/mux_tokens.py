"""Signed playback for Mux: short-lived RS256 tokens and the URLs that carry them.

A video with the ``signed`` playback policy plays only with a JWT signed by one of our Mux signing
keys: header ``kid`` = the signing key id; claims ``sub`` = the playback id, ``aud`` = what the
token opens (``v`` video, ``t`` thumbnail, ``g`` gif, ``s`` storyboard) and ``exp``. Each kind of
resource needs its own token (a video token does not open a thumbnail), so an entitled viewer
gets one token per audience, all expiring together.

Thumbnail options (``time``, ``width``...) of a signed image must travel inside its token, not
in the query string: Mux refuses extra query parameters next to ``token``.

Public-policy playback ids need no token; the URL builders then leave ``?token=`` out.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol
from urllib.parse import quote

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from pydantic import SecretStr

STREAM_BASE_URL = "https://stream.mux.com"
IMAGE_BASE_URL = "https://image.mux.com"
MIN_KEY_BITS = 2048
_PEM_MARKER = "-----BEGIN"


class SigningConfig(Protocol):
    """What signing needs from the Mux settings (``MuxConfig`` has it). A protocol, not an import:
    ``mux.py`` validates its key with :func:`load_signing_key`, so importing it back would make a
    cycle."""

    @property
    def signing_key_id(self) -> str: ...

    @property
    def signing_private_key(self) -> SecretStr: ...

    @property
    def playback_token_ttl_seconds(self) -> int: ...

    @property
    def has_placeholder_signing_key(self) -> bool: ...


class Audience(StrEnum):
    """The ``aud`` claim: which kind of Mux resource a token opens."""

    VIDEO = "v"
    THUMBNAIL = "t"
    GIF = "g"
    STORYBOARD = "s"


def load_signing_key(value: str) -> RSAPrivateKey:
    """The RSA private key of a Mux signing key, as Mux hands it out (base64 of a PEM).

    A plain PEM is accepted too, for keys pasted from a file. Raises ``ValueError`` with a
    message that never contains the key itself.
    """
    text = value.strip()
    if not text:
        raise ValueError("the Mux signing key is empty")
    if text.startswith(_PEM_MARKER):
        pem = text.encode()
    else:
        try:
            pem = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as error:
            raise ValueError("the Mux signing key is neither base64 nor a PEM") from error
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as error:
        raise ValueError("the Mux signing key is not an unencrypted PEM private key") from error
    if not isinstance(key, RSAPrivateKey):
        raise ValueError("the Mux signing key must be an RSA key")
    if key.key_size < MIN_KEY_BITS:
        raise ValueError(f"the Mux signing key must have at least {MIN_KEY_BITS} bits")
    return key


@dataclass(frozen=True)
class PlaybackTokens:
    """Everything a player needs for one signed playback id, valid until ``expires_at``."""

    video: str
    thumbnail: str
    storyboard: str
    expires_at: datetime


class PlaybackSigner:
    """Signs playback tokens with one signing key. Build once per process: loading the key is
    the expensive part, signing is cheap."""

    def __init__(self, key_id: str, private_key: RSAPrivateKey, ttl_seconds: int) -> None:
        if not key_id:
            raise ValueError("key_id must not be empty")
        if ttl_seconds < 1:
            raise ValueError("ttl_seconds must be positive")
        self._key_id = key_id
        self._private_key = private_key
        self._ttl = timedelta(seconds=ttl_seconds)

    @classmethod
    def from_config(cls, config: SigningConfig) -> PlaybackSigner:
        """The configured key; with the development placeholder, a throwaway key (the settings
        base refuses the placeholder anywhere but development and test)."""
        if config.has_placeholder_signing_key:
            key = rsa.generate_private_key(public_exponent=65537, key_size=MIN_KEY_BITS)
        else:
            key = load_signing_key(config.signing_private_key.get_secret_value())
        return cls(config.signing_key_id, key, config.playback_token_ttl_seconds)

    def __repr__(self) -> str:
        return f"PlaybackSigner(key_id={self._key_id!r}, ttl={self._ttl})"

    def expiry(self, now: datetime | None = None) -> datetime:
        """When tokens signed at ``now`` stop working (whole seconds, as ``exp`` is)."""
        moment = (now or datetime.now(UTC)) + self._ttl
        return moment.replace(microsecond=0)

    def token(
        self,
        playback_id: str,
        audience: Audience,
        *,
        now: datetime | None = None,
        params: dict[str, Any] | None = None,
    ) -> str:
        """One token for ``playback_id``; ``params`` (thumbnail ``time``, ``width``...) become
        claims, as Mux requires for signed images."""
        claims: dict[str, Any] = dict(params or {})
        claims.update(
            sub=playback_id,
            aud=audience.value,
            exp=int(self.expiry(now).timestamp()),
        )
        return jwt.encode(
            claims, self._private_key, algorithm="RS256", headers={"kid": self._key_id}
        )

    def tokens(self, playback_id: str, *, now: datetime | None = None) -> PlaybackTokens:
        """Video, thumbnail and storyboard tokens sharing one expiry."""
        moment = now or datetime.now(UTC)
        return PlaybackTokens(
            video=self.token(playback_id, Audience.VIDEO, now=moment),
            thumbnail=self.token(playback_id, Audience.THUMBNAIL, now=moment),
            storyboard=self.token(playback_id, Audience.STORYBOARD, now=moment),
            expires_at=self.expiry(moment),
        )


def _with_token(url: str, token: str | None) -> str:
    return f"{url}?token={token}" if token else url


def video_url(playback_id: str, token: str | None = None) -> str:
    """The HLS manifest; ``token`` is required for signed playback ids."""
    return _with_token(f"{STREAM_BASE_URL}/{quote(playback_id, safe='')}.m3u8", token)


def thumbnail_url(playback_id: str, token: str | None = None) -> str:
    """A JPEG still; a signed one needs a thumbnail (``aud=t``) token, not the video token."""
    return _with_token(f"{IMAGE_BASE_URL}/{quote(playback_id, safe='')}/thumbnail.jpg", token)


def storyboard_url(playback_id: str, token: str | None = None) -> str:
    """The WebVTT storyboard players use for previews while seeking (``aud=s`` when signed)."""
    return _with_token(f"{IMAGE_BASE_URL}/{quote(playback_id, safe='')}/storyboard.vtt", token)
