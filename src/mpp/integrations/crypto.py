"""Connector secrets at rest: one Fernet token per configuration, under a list of keys.

``MPP_INTEGRATION_KEYS`` (environment, comma-separated Fernet keys) — the first key encrypts,
every key decrypts (``MultiFernet``). To rotate: put a new key first, run
``manage.py rotate_integration_secrets`` (re-encrypts every row under the first key), then drop
the old key. In development the one key is derived from ``SECRET_KEY``; production refuses to
start without the variable.
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class SecretsUnreadable(Exception):
    """The stored secrets were sealed under a key that is no longer configured."""


def _keys() -> MultiFernet:
    keys = list(settings.MPP_INTEGRATION_KEYS)
    if not keys:
        digest = hashlib.sha256(("mpp-integrations:" + settings.SECRET_KEY).encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(key) for key in keys])


def seal(secrets: dict[str, str]) -> str:
    """The secrets as one token (empty when there are none)."""
    if not secrets:
        return ""
    return seal_json(secrets)


def unseal(token: str) -> dict[str, str]:
    if not token:
        return {}
    data = unseal_json(token)
    return {str(key): str(value) for key, value in data.items()}


def seal_json(value: Any) -> str:
    """Any JSON value as one token: personal data a connector answered, kept in a shared cache."""
    return _keys().encrypt(json.dumps(value, sort_keys=True).encode()).decode()


def unseal_json(token: str) -> Any:
    try:
        return json.loads(_keys().decrypt(token.encode()))
    except InvalidToken:
        raise SecretsUnreadable from None


def reseal(token: str) -> str:
    """The same secrets under the first key (key rotation)."""
    return _keys().rotate(token.encode()).decode() if token else ""
