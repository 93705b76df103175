"""Keys and certificates: the demo certificate authority, agency credentials, and loading a signer.

Private keys are stored as encrypted PKCS #8 PEM. The passphrase is ``MPP_SIGNING_KEY_PASSPHRASE``
or, when that is empty, derived from ``SECRET_KEY`` (so rotating ``SECRET_KEY`` without a dedicated
passphrase makes stored keys unreadable: production sets the dedicated variable, or better keeps
keys in an HSM — see docs/documents.md).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings

KEY_SIZE = 2048
CA_VALIDITY = datetime.timedelta(days=3650)
AGENCY_VALIDITY = datetime.timedelta(days=3 * 365)


def key_passphrase() -> bytes:
    dedicated = getattr(settings, "MPP_SIGNING_KEY_PASSPHRASE", "")
    if dedicated:
        return dedicated.encode()
    return (
        hmac.new(settings.SECRET_KEY.encode(), b"mpp-documents-signing-key", hashlib.sha256)
        .hexdigest()
        .encode()
    )


def _encrypt(key: rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(key_passphrase()),
    ).decode()


def decrypt_private_key(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode(), password=key_passphrase())
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def fingerprint(certificate_pem: str) -> str:
    cert = x509.load_pem_x509_certificate(certificate_pem.encode())
    return cert.fingerprint(hashes.SHA256()).hex()


@dataclass(frozen=True)
class KeyPair:
    certificate_pem: str
    private_key_pem: str
    not_valid_after: datetime.datetime


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


# X.509 key usages (RFC 5280 4.2.1.3), in the order ``x509.KeyUsage`` takes them.
KEY_USAGES = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
    "encipher_only",
    "decipher_only",
)
# A CA key signs certificates and revocation lists only; a signing key signs documents (with
# non-repudiation) only.
CA_USES = ("key_cert_sign", "crl_sign")
SIGNING_USES = ("digital_signature", "content_commitment")


def _key_usage(*uses: str) -> x509.KeyUsage:
    return x509.KeyUsage(**{usage: usage in uses for usage in KEY_USAGES})


def _certificate(
    *,
    subject: x509.Name,
    issuer: x509.Name,
    key: rsa.RSAPrivateKey,
    not_after: datetime.datetime,
    now: datetime.datetime,
    ca: bool,
) -> x509.CertificateBuilder:
    """What both kinds of certificate share: names, validity, the CA flag and the key's use."""
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
        .add_extension(_key_usage(*(CA_USES if ca else SIGNING_USES)), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )


def _key_pair(cert: x509.Certificate, key: rsa.RSAPrivateKey) -> KeyPair:
    return KeyPair(
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        private_key_pem=_encrypt(key),
        not_valid_after=cert.not_valid_after_utc,
    )


def create_root_ca(common_name: str) -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "MPP Digital (demo)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = _now()
    cert = _certificate(
        subject=name, issuer=name, key=key, not_after=now + CA_VALIDITY, now=now, ca=True
    ).sign(key, hashes.SHA256())
    return _key_pair(cert, key)


def create_signing_certificate(
    *, ca_certificate_pem: str, ca_private_key_pem: str, organisation: str, locality: str
) -> KeyPair:
    """A document-signing certificate for one agency, issued by the given CA."""
    ca_cert = x509.load_pem_x509_certificate(ca_certificate_pem.encode())
    ca_key = decrypt_private_key(ca_private_key_pem)
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_SIZE)
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.LOCALITY_NAME, locality[:128]),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, organisation[:64]),
        ]
    )
    now = _now()
    not_after = min(now + AGENCY_VALIDITY, ca_cert.not_valid_after_utc)
    cert = (
        _certificate(
            subject=subject, issuer=ca_cert.subject, key=key, not_after=not_after, now=now, ca=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return _key_pair(cert, key)
