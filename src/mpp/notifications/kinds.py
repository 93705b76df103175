"""The one kind this app declares itself: a test message. Every other app registers its own kinds
(and ships their templates) from its ``AppConfig.ready()``, e.g. ``mpp.cases.notification_kinds``.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mpp.notifications.registry import register_kind


def register_builtin_kinds() -> None:
    register_kind("test.ping", label=_("Pesan uji"))
