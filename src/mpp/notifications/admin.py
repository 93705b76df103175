from django.contrib import admin

from mpp.notifications.models import Delivery, Notification, OutboxMessage


class DeliveryInline(admin.TabularInline):
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

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "recipient_id"]
    list_filter = ["kind", "deliveries__status"]
    readonly_fields = ["id", "recipient", "kind", "context", "link", "created_at"]
    inlines = [DeliveryInline]

    def has_add_permission(self, request):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["created_at", "channel", "status", "attempts", "provider_id"]
    list_filter = ["channel", "status"]
