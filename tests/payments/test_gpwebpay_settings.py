"""GP webpay configuration: the real ``pickey-payments serve`` refuses bad values with one line
that names the variable (exit 2) and never echoes a key or passphrase."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from pickey_core.gpwebpay.config import GpWebpayConfig
from pickey_core.gpwebpay.dev_keys import DEV_MERCHANT_PRIVATE_KEY
from pickey_core.gpwebpay.keys import KeyLoadError
from pickey_payments.settings import PaymentsSettings
from tests.support.gpwebpay_keys import GATEWAY_PEM, MERCHANT_PEM, key_pair, private_pem, public_pem

PASSPHRASE = "correct horse battery staple"
ENCRYPTED_PEM = private_pem(key_pair("merchant"), PASSPHRASE.encode())
VALID = {
    "PICKEY_ENVIRONMENT": "production",
    "PICKEY_GPWEBPAY__MERCHANT_NUMBER": "0012345678",
    "PICKEY_GPWEBPAY__MERCHANT_PRIVATE_KEY": MERCHANT_PEM,
    "PICKEY_GPWEBPAY__GATEWAY_PUBLIC_KEY": GATEWAY_PEM,
    "PICKEY_GPWEBPAY__RETURN_URL": "https://pickey.cz/payments/v1/gpwebpay/return",
    "PICKEY_GPWEBPAY__RESULT_PAGE_URL": "https://pickey.cz/payments/result",
}


def start(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``pickey-payments serve`` in an empty folder (no .env) with only these PICKEY_ variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PICKEY_")}
    return subprocess.run(
        [sys.executable, "-m", "pickey_payments", "serve"],
        env={**clean, **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def ec_key_pem() -> str:
    return (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"PICKEY_GPWEBPAY__MERCHANT_NUMBER": "1e+09"},
            "PICKEY_GPWEBPAY__MERCHANT_NUMBER: looks like a number in scientific notation",
        ),
        (
            {"PICKEY_GPWEBPAY__MERCHANT_NUMBER": "1000000000.0"},
            "PICKEY_GPWEBPAY__MERCHANT_NUMBER: has a decimal point",
        ),
        (
            {"PICKEY_GPWEBPAY__MERCHANT_NUMBER": "12.5"},
            "PICKEY_GPWEBPAY__MERCHANT_NUMBER: has a decimal point",
        ),
        (
            {"PICKEY_GPWEBPAY__MERCHANT_NUMBER": "12345678901"},
            "PICKEY_GPWEBPAY__MERCHANT_NUMBER: is longer than 10 digits",
        ),
        (
            {"PICKEY_GPWEBPAY__MERCHANT_NUMBER": "123 456"},
            "PICKEY_GPWEBPAY__MERCHANT_NUMBER: must be 1-10 digits with no spaces",
        ),
        (
            {"PICKEY_GPWEBPAY__PROVIDER": "100"},
            "PICKEY_GPWEBPAY__PROVIDER: String should match pattern",
        ),
        (
            {"PICKEY_GPWEBPAY__CURRENCIES": '["CZK","USD"]'},
            "PICKEY_GPWEBPAY__CURRENCIES: unsupported currencies ['USD']",
        ),
        (
            {"PICKEY_GPWEBPAY__MERCHANT_PRIVATE_KEY": "-----BEGIN PRIVATE KEY-----\nnope\n"},
            "PICKEY_GPWEBPAY__MERCHANT_PRIVATE_KEY: not a PEM private key",
        ),
        (
            {"PICKEY_GPWEBPAY__MERCHANT_PRIVATE_KEY": ENCRYPTED_PEM},
            "PICKEY_GPWEBPAY__MERCHANT_PRIVATE_KEY: the key is encrypted and no passphrase is set",
        ),
        (
            {
                "PICKEY_GPWEBPAY__MERCHANT_PRIVATE_KEY": ENCRYPTED_PEM,
                "PICKEY_GPWEBPAY__MERCHANT_PRIVATE_KEY_PASSPHRASE": "wrong passphrase",
            },
            "PICKEY_GPWEBPAY__MERCHANT_PRIVATE_KEY: the passphrase is wrong",
        ),
        (
            {"PICKEY_GPWEBPAY__MERCHANT_PRIVATE_KEY": ec_key_pem()},
            "PICKEY_GPWEBPAY__MERCHANT_PRIVATE_KEY: not an RSA key",
        ),
        (
            {"PICKEY_GPWEBPAY__MERCHANT_PUBLIC_KEY": public_pem(key_pair("other"))},
            "PICKEY_GPWEBPAY__MERCHANT_PUBLIC_KEY does not match",
        ),
        (
            {"PICKEY_GPWEBPAY__GATEWAY_PUBLIC_KEY": "garbage"},
            "PICKEY_GPWEBPAY__GATEWAY_PUBLIC_KEY: not a PEM public key or X.509 certificate",
        ),
        (
            {"PICKEY_GPWEBPAY__GATEWAY_PUBLIC_KEY": public_pem(key_pair("merchant"))},
            "PICKEY_GPWEBPAY__GATEWAY_PUBLIC_KEY is our own merchant public key",
        ),
        (
            {"PICKEY_GPWEBPAY__MERCHANT_NUMBER": None},
            "PICKEY_GPWEBPAY__MERCHANT_NUMBER is required outside development",
        ),
        (
            {"PICKEY_GPWEBPAY__MERCHANT_PRIVATE_KEY": None},
            "PICKEY_GPWEBPAY__MERCHANT_PRIVATE_KEY (or ..._FILE) is required outside development",
        ),
        (
            {"PICKEY_GPWEBPAY__MERCHANT_PRIVATE_KEY": DEV_MERCHANT_PRIVATE_KEY},
            "PICKEY_GPWEBPAY__MERCHANT_PRIVATE_KEY is the public development key",
        ),
        (
            {"PICKEY_GPWEBPAY__GATEWAY_PUBLIC_KEY_FILE": "/nonexistent/gateway.pem"},
            "PICKEY_GPWEBPAY__GATEWAY_PUBLIC_KEY and ..._FILE are both set",
        ),
        (
            {
                "PICKEY_GPWEBPAY__GATEWAY_PUBLIC_KEY": None,
                "PICKEY_GPWEBPAY__GATEWAY_PUBLIC_KEY_FILE": "/nonexistent/gateway.pem",
            },
            "PICKEY_GPWEBPAY__GATEWAY_PUBLIC_KEY_FILE: cannot read the file",
        ),
        (
            {"PICKEY_BILLING__RENEWAL_RETRY_DAYS": "[3, 1, 7]"},
            "renewal_retry_days must be positive and increasing",
        ),
        ({"PICKEY_BILLING__RENEWAL_EVERY_SECONDS": "7"}, "renewal_every_seconds must divide 60"),
        (
            {"PICKEY_BILLING__CHARGE_LEASE_SECONDS": "20"},
            "PICKEY_BILLING__CHARGE_LEASE_SECONDS must be longer than "
            "PICKEY_GPWEBPAY__WS_TIMEOUT_SECONDS",
        ),
        ({"PICKEY_BILLING__ABANDON_AFTER_SECONDS": "600"}, "PICKEY_BILLING__ABANDON_AFTER_SECONDS"),
    ],
)
def test_bad_gpwebpay_configuration_stops_start_up_with_one_line(
    tmp_path: Path, changes: dict[str, str | None], expected: str
) -> None:
    env = {**VALID, **changes}
    result = start({k: v for k, v in env.items() if v is not None}, tmp_path)

    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("configuration error: ")
    assert expected in lines[0]
    for secret in ("PRIVATE KEY", PASSPHRASE, "wrong passphrase", "MII"):
        assert secret not in lines[0]


def settings(**gpwebpay: object) -> PaymentsSettings:
    values = {
        "merchant_number": "0012345678",
        "merchant_private_key": MERCHANT_PEM,
        "gateway_public_key": GATEWAY_PEM,
        "return_url": "https://pickey.cz/payments/v1/gpwebpay/return",
        "result_page_url": "https://pickey.cz/payments/result",
        **gpwebpay,
    }
    return PaymentsSettings(_env_file=None, environment="production", gpwebpay=values)


def test_good_keys_inline_from_files_and_encrypted_are_accepted(tmp_path: Path) -> None:
    assert settings().gpwebpay.merchant_number == "0012345678"  # leading zeros kept
    key_file = tmp_path / "merchant.pem"
    key_file.write_text(ENCRYPTED_PEM)
    gateway_file = tmp_path / "gateway.pem"
    gateway_file.write_text(GATEWAY_PEM)
    from_files = settings(
        merchant_private_key=None,
        merchant_private_key_file=str(key_file),
        merchant_private_key_passphrase=PASSPHRASE,
        gateway_public_key=None,
        gateway_public_key_file=str(gateway_file),
        merchant_public_key=public_pem(key_pair("merchant")),
    )
    keys = from_files.gpwebpay.load_keys(allow_dev_keys=False)
    assert keys.merchant.key_size == 2048


def test_gateway_certificate_is_accepted() -> None:
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    key = key_pair("gateway")
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "gpe test")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    pem = certificate.public_bytes(serialization.Encoding.PEM).decode()
    assert settings(gateway_public_key=pem).gpwebpay.gateway_public_key == pem


def test_development_falls_back_to_the_sandbox_keys_and_production_refuses_them() -> None:
    config = GpWebpayConfig()
    keys = config.load_keys(allow_dev_keys=True)
    assert keys.merchant.key_size == 2048
    with pytest.raises(KeyLoadError, match="required outside development"):
        config.load_keys(allow_dev_keys=False)
    development = PaymentsSettings(_env_file=None, environment="development")
    assert development.gpwebpay.merchant_number == "0123456789"


def test_merchant_number_given_as_a_number_in_code_is_refused() -> None:
    with pytest.raises(ValueError, match="not a number"):
        GpWebpayConfig(merchant_number=123456)
