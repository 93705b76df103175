"""Secrets handed to people and devices, one way: how they are made and how they are stored.

A token (an invitation link, an API key, a kiosk's or a survey invitation's secret, a guest
confirmation code) is shown once and stored only as its SHA-256 digest, so a copy of the
database lets nobody act with it. A code a person reads aloud or types at a counter uses an
alphabet without the look-alikes 0/O and 1/I.
"""

from __future__ import annotations

import hashlib
import secrets

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_token(prefix: str = "", *, nbytes: int = 24) -> str:
    """A new unguessable token, URL-safe, with an optional prefix that says what it is for."""
    return prefix + secrets.token_urlsafe(nbytes)


def hash_token(raw: str) -> str:
    """What is stored of a token: its SHA-256 digest (hex)."""
    return hashlib.sha256(raw.encode()).hexdigest()


def random_code(length: int) -> str:
    """A code without look-alike characters, for reading aloud and typing at a counter."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
