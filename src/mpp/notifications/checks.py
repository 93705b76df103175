"""System checks: the configured SMS/WhatsApp gateways must exist."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import Error, register

from mpp.notifications import registry


@register()
def check_gateways(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[Error]:
    errors = []
    for setting in ("MPP_SMS_GATEWAY", "MPP_WHATSAPP_GATEWAY"):
        identifier = getattr(settings, setting, "")
        if identifier not in registry.gateways:
            errors.append(
                Error(
                    f"{setting}={identifier!r} is not a registered gateway",
                    hint=f"Registered: {', '.join(registry.gateways) or 'none'}",
                    id="notifications.E001",
                )
            )
    return errors
