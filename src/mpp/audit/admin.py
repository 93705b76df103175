"""Audit events in the Django admin: read-only, like everywhere else."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mpp.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    list_display = ("at", "action", "actor", "target_type", "target_id", "summary", "ip_address")
    list_filter = ("action",)
    search_fields = ("summary", "target_id", "actor__username")
    list_select_related = ("actor",)
    date_hierarchy = "at"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
