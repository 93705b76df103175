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

from django.utils.safestring import SafeString

from mpp.registry import Registry

if TYPE_CHECKING:
    from mpp.accounts.models import User

RegistrationCheck = Callable[["User"], None]
ProfileSection = Callable[["User"], SafeString | str]


class RegistrationChecks:
    def __init__(self) -> None:
        self.registry: Registry[str, RegistrationCheck] = Registry("registration checks")

    def register(self, name: str, check: RegistrationCheck, *, replace: bool = False) -> None:
        self.registry.add(name, check, replace=replace)

    def run(self, user: User) -> None:
        for check in self.registry.entries():
            check(user)


class ProfileSections:
    def __init__(self) -> None:
        self.registry: Registry[str, ProfileSection] = Registry("profile sections")

    def register(self, name: str, section: ProfileSection, *, replace: bool = False) -> None:
        self.registry.add(name, section, replace=replace)

    def render(self, user: User) -> list[SafeString | str]:
        return [html for html in (section(user) for section in self.registry.entries()) if html]


registration_checks = RegistrationChecks()
profile_sections = ProfileSections()
