"""Plug points of the accounts pages that apps above fill in their ``AppConfig.ready()``, so that
accounts never imports them (the integrations' identity check, say).

- ``registration_checks``: ``(user) -> None``, called inside the transaction that creates a
  citizen account; a check that needs an outside system only writes its pending row there and does
  the call after the commit, so registering never waits on, nor fails with, another system.
- ``profile_sections``: ``(user) -> HTML`` (already escaped), shown on the citizen's profile in
  registration order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from mpp.registry import PlugPoint, Sections

if TYPE_CHECKING:
    from mpp.accounts.models import User

RegistrationCheck = Callable[["User"], None]


class RegistrationChecks(PlugPoint[RegistrationCheck]):
    def run(self, user: User) -> None:
        for check in self.registry.entries():
            check(user)


registration_checks = RegistrationChecks("registration checks")
profile_sections: Sections[User] = Sections("profile sections")
