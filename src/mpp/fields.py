"""The two foreign keys every app declares the same way, written once.

- :func:`user_reference`: the staff member (or citizen) who did something — who acted, filed,
  revoked, created. The row outlives the account (``SET_NULL``) and the user gets no reverse
  accessor: a history names its actor, an account does not list every history that names it.
- :func:`optional_link`: where something happened or what it is about (a region, an MPP, an agency),
  when it may be unknown. The target cannot be deleted while rows point at it (``PROTECT``) and gets
  no reverse accessor.

Both build plain ``ForeignKey`` fields, so migrations see exactly what a hand-written field gives.
A foreign key with another rule (``CASCADE``, a reverse name the code reads) is written out where
it stands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from django.conf import settings
from django.db import models

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise

    from mpp.accounts.models import User

M = TypeVar("M", bound=models.Model)

__all__ = ["optional_link", "user_reference"]


def user_reference(
    verbose_name: _StrOrPromise | None = None, *, blank: bool = True
) -> models.ForeignKey[User | None, User | None]:
    """The user who did something, kept as NULL once the account is deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=blank,
        related_name="+",
        verbose_name=verbose_name,
    )


def optional_link(
    to: type[M], verbose_name: _StrOrPromise | None = None
) -> models.ForeignKey[M | None, M | None]:
    """A nullable link to a row that may not be deleted while this one points at it."""
    return models.ForeignKey(
        to,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=verbose_name,
    )
