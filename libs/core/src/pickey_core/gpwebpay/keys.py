"""Loading GP webpay keys with ``cryptography``, with errors that say what is wrong and never
what the key or passphrase is.

GP webpay keys are RSA (the merchant generates a pair in the portal and uploads the public half;
the gateway publishes its own public key, often as an X.509 certificate). Anything else is refused.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

MIN_KEY_BITS = 2048


class KeyLoadError(ValueError):
    """A key that cannot be used; the message is safe to print (no key material)."""


def load_private_key(pem: bytes, passphrase: bytes | None = None) -> rsa.RSAPrivateKey:
    """An RSA private key from PEM (PKCS#1 or PKCS#8, optionally encrypted)."""
    try:
        key = serialization.load_pem_private_key(pem, password=passphrase or None)
    except TypeError as error:
        if passphrase:
            raise KeyLoadError("a passphrase is set but the key is not encrypted") from error
        raise KeyLoadError("the key is encrypted and no passphrase is set") from error
    except ValueError as error:
        if passphrase and b"ENCRYPTED" in pem:
            raise KeyLoadError("the passphrase is wrong (the key does not decrypt)") from error
        raise KeyLoadError("not a PEM private key") from error
    except Exception as error:  # cryptography raises its own types for broken key bodies
        raise KeyLoadError("not a readable private key") from error
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyLoadError("not an RSA key (GP webpay signs with RSA)")
    if key.key_size < MIN_KEY_BITS:
        raise KeyLoadError(f"RSA key of {key.key_size} bits; at least {MIN_KEY_BITS} are needed")
    return key


def load_public_key(pem: bytes) -> rsa.RSAPublicKey:
    """An RSA public key from a PEM public key or a PEM X.509 certificate (as GP publishes it)."""
    key: object
    try:
        if b"-----BEGIN CERTIFICATE-----" in pem:
            key = x509.load_pem_x509_certificate(pem).public_key()
        else:
            key = serialization.load_pem_public_key(pem)
    except ValueError as error:
        raise KeyLoadError("not a PEM public key or X.509 certificate") from error
    except Exception as error:
        raise KeyLoadError("not a readable public key") from error
    if not isinstance(key, rsa.RSAPublicKey):
        raise KeyLoadError("not an RSA key (GP webpay signs with RSA)")
    return key


def public_pem(key: rsa.RSAPublicKey) -> str:
    """A public key as PEM (SubjectPublicKeyInfo), e.g. to hand to the sandbox or the portal."""
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")
