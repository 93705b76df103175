from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from mpp.notifications.models import Delivery, Notification, OutboxMessage


class DeliveryInline(admin.TabularInline[Delivery, Notification]):
    model = Delivery
    extra = 0
    can_delete = False
    readonly_fields = [
        "channel",
        "status",
        "attempts",
        "error",
        "provider_id",
        "last_attempt_at",
        "sent_at",
    ]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    list_display = ["created_at", "kind", "recipient_id"]
    list_filter = ["kind", "deliveries__status"]
    readonly_fields = ["id", "recipient", "kind", "context", "link", "created_at"]
    inlines = [DeliveryInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    list_display = ["created_at", "channel", "status", "attempts", "provider_id"]
    list_filter = ["channel", "status"]
