"""Log in with a NIK (citizens) or a username (staff), and keep NIKs out of the lockout table."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from mpp.accounts.models import User
from mpp.accounts.nik import nik_digest


def looks_like_nik(value: str) -> bool:
    return len(value) == 16 and value.isdigit()


class NikOrUsernameBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        identifier = (username or kwargs.get(User.USERNAME_FIELD) or "").strip()
        if not identifier or password is None or "\x00" in identifier:
            return None  # PostgreSQL cannot even look up a NUL; no account has one
        field = "nik" if looks_like_nik(identifier) else "username__iexact"
        try:
            user = User.objects.get(**{field: identifier})
        except User.DoesNotExist:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str:
    """What django-axes records as the username: a NIK is stored only as a keyed digest."""
    value = ""
    if credentials:
        value = credentials.get("username", "") or ""
    elif request is not None:
        value = request.POST.get("username", "")
    value = value.replace("\x00", "").strip()
    if looks_like_nik(value):
        return "nikh:" + nik_digest(value)[:32]
    return value.lower()
