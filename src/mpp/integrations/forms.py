"""The configuration form of one connector: its own settings, secrets write-only."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mpp.integrations.models import ConnectorConfig
from mpp.integrations.registry import Connector


class ConfigForm(forms.Form):
    enabled = forms.BooleanField(label=_("Aktifkan konektor"), required=False)
    endpoint = forms.URLField(
        label=_("Alamat layanan (URL)"),
        required=False,
        max_length=300,
        assume_scheme="https",
        help_text=_("Alamat dasar layanan mitra, diawali https://."),
    )

    def __init__(
        self, *args: Any, connector: Connector, config: ConnectorConfig | None, **kwargs: Any
    ) -> None:
        if config is not None:
            kwargs["initial"] = {
                "enabled": config.enabled,
                "endpoint": config.endpoint,
                **config.options,
            }
        super().__init__(*args, **kwargs)
        stored = bool(config and config.sealed_secrets)
        for setting in connector.settings:
            if setting.secret:
                # Write-only: never rendered back; empty keeps what is stored.
                self.fields[setting.name] = forms.CharField(
                    label=setting.label,
                    required=False,
                    max_length=500,
                    strip=False,
                    widget=forms.PasswordInput(
                        render_value=False, attrs={"autocomplete": "new-password"}
                    ),
                    help_text=_(
                        "Tersimpan terenkripsi. Kosongkan untuk mempertahankan yang tersimpan."
                    )
                    if stored
                    else _("Disimpan terenkripsi dan tidak pernah ditampilkan lagi."),
                )
            else:
                self.fields[setting.name] = forms.CharField(
                    label=setting.label,
                    required=False,
                    max_length=200,
                    help_text=setting.help_text,
                )
        self.connector = connector

    def options(self) -> dict[str, str]:
        return {
            s.name: self.cleaned_data.get(s.name) or ""
            for s in self.connector.settings
            if not s.secret
        }

    def secrets(self) -> dict[str, str]:
        return {
            s.name: self.cleaned_data.get(s.name) or "" for s in self.connector.settings if s.secret
        }
