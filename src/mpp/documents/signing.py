"""PAdES signatures with pyHanko, using an agency's credential stored by ``mpp.documents.pki``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from io import BytesIO
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash

from mpp.documents import pki
from mpp.documents.models import SigningCredential


def _certificate(pem: str) -> asn1_x509.Certificate:
    from cryptography import x509

    der = x509.load_pem_x509_certificate(pem.encode()).public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)


class _ParsedKeySigner(signers.SimpleSigner):
    """pyHanko's ``SimpleSigner`` with the RSA key parsed once.

    ``SimpleSigner`` parses (and checks) the private key on every signature, and signs once more
    to estimate the signature size; both together cost more than rendering the PDF. Mechanisms
    other than RSA PKCS #1 v1.5 fall back to pyHanko's own code.
    """

    def __init__(self, *, private_key: rsa.RSAPrivateKey, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._private_key = private_key

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
        if mechanism != "rsassa_pkcs1v15":
            return await super().async_sign_raw(data, digest_algorithm, dry_run=dry_run)
        if dry_run:
            return bytes(self._private_key.key_size // 8)  # an RSA signature is exactly this long
        hash_algorithm = get_pyca_cryptography_hash(digest_algorithm)
        return self._private_key.sign(data, PKCS1v15(), hash_algorithm)


@lru_cache(maxsize=64)
def _signer(fingerprint: str, certificate_pem: str, key_pem: str, ca_pem: str) -> signers.Signer:
    # Keyed by the certificate fingerprint: a replaced credential gets a new signer. Decrypting the
    # key costs more than signing, so a worker keeps the few signers it uses.
    key = pki.decrypt_private_key(key_pem)
    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    ca = _certificate(ca_pem)
    return _ParsedKeySigner(
        private_key=key,
        signing_cert=_certificate(certificate_pem),
        signing_key=asn1_keys.PrivateKeyInfo.load(key_der),
        # pyhanko-certvalidator leaves this constructor unannotated.
        cert_registry=SimpleCertificateStore.from_certs([ca]),  # type: ignore[no-untyped-call]
    )


def sign_pdf(pdf: bytes, *, credential: SigningCredential, reason: str, location: str) -> bytes:
    """Return ``pdf`` with an invisible PAdES baseline (B-B) signature of the agency."""
    signer = _signer(
        credential.fingerprint,
        credential.certificate_pem,
        credential.private_key_pem,
        credential.authority.certificate_pem,
    )
    metadata = signers.PdfSignatureMetadata(
        field_name="TandaTanganElektronik",
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
        name=str(credential.agency),
    )

    async def sign() -> bytes:
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
        output: BytesIO = await signers.async_sign_pdf(writer, metadata, signer=signer)
        return output.getvalue()

    return _run(sign)


def _run(make_coroutine: Callable[[], Coroutine[Any, Any, bytes]]) -> bytes:
    """Run pyHanko's async signing from sync code, also when this thread already runs an event
    loop (an ASGI view, a browser test): then it runs on a short-lived helper thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make_coroutine())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make_coroutine())).result()
