"""GP webpay configuration (``PICKEY_GPWEBPAY__...``) and the keys it names.

The merchant number is a string (a Helm chart once rendered it as ``1e+09``, the gateway took it,
and every signature broke); anything but 1-10 digits is refused with the reason. Keys come inline
(the PEM text in the variable) or from a file (``..._FILE``, e.g. a mounted Kubernetes secret).

In development and test a missing key falls back to the well-known development keys that the
sandbox pairs with (:mod:`pickey_core.gpwebpay.dev_keys`), so ``just dev`` needs no setup; outside
them keys are required and the development keys are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from pickey_core.gpwebpay import dev_keys
from pickey_core.gpwebpay.http_api import CURRENCY_CODES
from pickey_core.gpwebpay.keys import KeyLoadError, load_private_key, load_public_key, public_pem
from pickey_core.gpwebpay.signing import sign, verify
from pickey_core.public_urls import PublicUrl

TEST_ORDER_URL = "https://test.3dsecure.gpwebpay.com/pgw/order.do"
TEST_WS_URL = "https://test.3dsecure.gpwebpay.com/pay-ws/v1/PaymentService"
VARIABLE = "PICKEY_GPWEBPAY__"
PROBE = "pickey-gpwebpay-startup-probe|0123456789"


class GpWebpayConfig(BaseModel):
    """Where the gateway is, who we are to it, and the keys both sides sign with."""

    model_config = ConfigDict(frozen=True)

    merchant_number: str = Field(
        default=dev_keys.DEV_MERCHANT_NUMBER,
        description="Merchant number from GP webpay: a STRING of 1-10 digits, leading zeros "
        "kept. Quote it in YAML/Helm; 1e+09 or 1000000000.0 is refused.",
    )
    order_url: str = Field(
        default=TEST_ORDER_URL, description="The HTTP API (browser redirect) endpoint."
    )
    ws_url: str = Field(default=TEST_WS_URL, description="The WS API (SOAP) endpoint.")
    provider: str = Field(
        default="0100", pattern=r"^[0-9]{4}$", description="WS provider code (4 digits)."
    )
    currencies: list[str] = Field(
        default_factory=lambda: ["CZK", "EUR"],
        min_length=1,
        description="Currencies we accept at checkout (CZK, EUR).",
    )
    return_url: PublicUrl = Field(
        default="http://127.0.0.1:8001/payments/v1/gpwebpay/return",
        max_length=300,
        description="Our return URL the gateway redirects the browser to (up to 300 chars).",
    )
    result_page_url: PublicUrl = Field(
        default="http://127.0.0.1:5173/payments/result",
        description="The SPA page the browser lands on after a return (order id and outcome).",
    )
    ws_timeout_seconds: float = Field(
        default=20.0, gt=0, le=120, description="Timeout of one WS (SOAP) call."
    )
    merchant_private_key: SecretStr | None = Field(
        default=None,
        description="Merchant private key, PEM text (or use ..._FILE); required outside "
        "development, where an empty one means the sandbox's development key.",
    )
    merchant_private_key_file: str | None = Field(
        default=None, description="Path of the merchant private key PEM file."
    )
    merchant_private_key_passphrase: SecretStr | None = Field(
        default=None, description="Passphrase of an encrypted merchant private key."
    )
    merchant_public_key: str | None = Field(
        default=None,
        description="Optional: the public key (or certificate) uploaded to the GP portal; when "
        "set, start-up checks it matches the private key.",
    )
    gateway_public_key: str | None = Field(
        default=None,
        description="GP webpay's public key: PEM public key or X.509 certificate; required "
        "outside development (empty there: the sandbox's development key).",
    )
    gateway_public_key_file: str | None = Field(
        default=None, description="Path of the gateway public key / certificate PEM file."
    )

    @field_validator("merchant_number", mode="before")
    @classmethod
    def _merchant_number_is_digits(cls, value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError(
                "must be a string of 1-10 digits, not a number (quote it; leading zeros matter)"
            )
        return _check_merchant_number(value)

    @field_validator("currencies")
    @classmethod
    def _known_currencies(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(CURRENCY_CODES))
        if unknown:
            raise ValueError(f"unsupported currencies {unknown}; known: {sorted(CURRENCY_CODES)}")
        return value

    def load_keys(self, *, allow_dev_keys: bool) -> GpWebpayKeys:
        """Load both keys and prove they work: sign a probe with our private key and verify it
        with our public key (derived, or the configured portal copy). Raises
        :class:`KeyLoadError` whose message names the variable and is safe to print."""
        merchant = _merchant_key(self, allow_dev_keys)
        own_public = merchant.public_key()
        if self.merchant_public_key is not None:
            own_public = _named(
                "MERCHANT_PUBLIC_KEY", load_public_key, _pem(self.merchant_public_key)
            )
        if not verify(own_public, PROBE, sign(merchant, PROBE)):
            raise KeyLoadError(
                f"{VARIABLE}MERCHANT_PUBLIC_KEY does not match {VARIABLE}MERCHANT_PRIVATE_KEY "
                "(a probe signed with the private key does not verify)"
            )
        gateway = _gateway_key(self, allow_dev_keys)
        if public_pem(gateway) == public_pem(merchant.public_key()):
            raise KeyLoadError(
                f"{VARIABLE}GATEWAY_PUBLIC_KEY is our own merchant public key; "
                "use the gateway's key"
            )
        return GpWebpayKeys(merchant=merchant, gateway=gateway)


@dataclass(frozen=True)
class GpWebpayKeys:
    merchant: rsa.RSAPrivateKey
    gateway: rsa.RSAPublicKey


_DIGITS = re.compile(r"^[0-9]{1,10}$")


def _check_merchant_number(value: str) -> str:
    if _DIGITS.match(value):
        return value
    if value != value.strip() or " " in value:
        raise ValueError("must be 1-10 digits with no spaces")
    if re.match(r"^[0-9.]+[eE][+-]?[0-9]+$", value):
        raise ValueError(
            "looks like a number in scientific notation (e.g. 1e+09): a template rendered it "
            "as a float; set the exact digits as a quoted string"
        )
    if re.match(r"^[0-9]*\.[0-9]*$", value):
        raise ValueError(
            "has a decimal point: a template rendered it as a float; set the exact digits "
            "as a quoted string"
        )
    if value.isdigit():
        raise ValueError("is longer than 10 digits")
    raise ValueError("must be a string of 1-10 digits")


def _pem(text: str) -> bytes:
    return text.strip().encode("utf-8") + b"\n"


def _read(name: str, path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise KeyLoadError(f"{VARIABLE}{name}: cannot read the file ({error.strerror})") from error


def _named(name: str, load: Any, *args: Any) -> Any:
    try:
        return load(*args)
    except KeyLoadError as error:
        raise KeyLoadError(f"{VARIABLE}{name}: {error}") from error


def _merchant_key(config: GpWebpayConfig, allow_dev_keys: bool) -> rsa.RSAPrivateKey:
    passphrase = config.merchant_private_key_passphrase
    secret = passphrase.get_secret_value().encode("utf-8") if passphrase else None
    if config.merchant_private_key is not None and config.merchant_private_key_file is not None:
        raise KeyLoadError(
            f"{VARIABLE}MERCHANT_PRIVATE_KEY and ..._FILE are both set; set only one"
        )
    if config.merchant_private_key_file is not None:
        pem = _read("MERCHANT_PRIVATE_KEY_FILE", config.merchant_private_key_file)
        return _named("MERCHANT_PRIVATE_KEY_FILE", load_private_key, pem, secret)  # type: ignore[no-any-return]
    if config.merchant_private_key is not None:
        pem = _pem(config.merchant_private_key.get_secret_value())
    elif allow_dev_keys:
        pem = _pem(dev_keys.DEV_MERCHANT_PRIVATE_KEY)
    else:
        raise KeyLoadError(
            f"{VARIABLE}MERCHANT_PRIVATE_KEY (or ..._FILE) is required outside development"
        )
    key: rsa.RSAPrivateKey = _named("MERCHANT_PRIVATE_KEY", load_private_key, pem, secret)
    if not allow_dev_keys and _is_dev_merchant_key(key):
        raise KeyLoadError(
            f"{VARIABLE}MERCHANT_PRIVATE_KEY is the public development key; set the real one"
        )
    return key


def _gateway_key(config: GpWebpayConfig, allow_dev_keys: bool) -> rsa.RSAPublicKey:
    if config.gateway_public_key is not None and config.gateway_public_key_file is not None:
        raise KeyLoadError(f"{VARIABLE}GATEWAY_PUBLIC_KEY and ..._FILE are both set; set only one")
    if config.gateway_public_key_file is not None:
        pem = _read("GATEWAY_PUBLIC_KEY_FILE", config.gateway_public_key_file)
        return _named("GATEWAY_PUBLIC_KEY_FILE", load_public_key, pem)  # type: ignore[no-any-return]
    if config.gateway_public_key is not None:
        pem = _pem(config.gateway_public_key)
    elif allow_dev_keys:
        pem = _pem(dev_keys.DEV_GATEWAY_PUBLIC_KEY)
    else:
        raise KeyLoadError(
            f"{VARIABLE}GATEWAY_PUBLIC_KEY (or ..._FILE) is required outside development"
        )
    key: rsa.RSAPublicKey = _named("GATEWAY_PUBLIC_KEY", load_public_key, pem)
    if not allow_dev_keys and public_pem(key) == public_pem(
        load_public_key(_pem(dev_keys.DEV_GATEWAY_PUBLIC_KEY))
    ):
        raise KeyLoadError(
            f"{VARIABLE}GATEWAY_PUBLIC_KEY is the sandbox's development key; set GP webpay's"
        )
    return key


def _is_dev_merchant_key(key: rsa.RSAPrivateKey) -> bool:
    dev = load_private_key(_pem(dev_keys.DEV_MERCHANT_PRIVATE_KEY))
    return public_pem(key.public_key()) == public_pem(dev.public_key())
