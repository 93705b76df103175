"""Security events from Django's auth signals go to the audit log (never the credentials)."""

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from mpp.accounts import limits
from mpp.accounts.models import User
from mpp.audit.models import AuditAction
from mpp.audit.services import record_event


@receiver(user_logged_in)
def on_login(sender: type[User], request: HttpRequest, user: User, **kwargs: Any) -> None:
    record_event(AuditAction.LOGIN, actor=user, target=user, request=request)


@receiver(user_logged_out)
def on_logout(
    sender: type[User] | None, request: HttpRequest, user: User | None, **kwargs: Any
) -> None:
    if user is not None:
        record_event(AuditAction.LOGOUT, actor=user, target=user, request=request)


@receiver(user_login_failed)
def on_login_failed(
    sender: str,
    credentials: dict[str, Any] | None,
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    record_event(AuditAction.LOGIN_FAILED, request=request)
    if request is not None:
        # Sign-in failures per address and per account (a flood on either asks for a challenge);
        # one account from one address is django-axes' lockout.
        limits.record_failure(request, "login", str((credentials or {}).get("username") or ""))


@receiver(user_locked_out)
def on_locked_out(sender: str, request: HttpRequest | None = None, **kwargs: Any) -> None:
    record_event(AuditAction.LOCKED_OUT, request=request)
