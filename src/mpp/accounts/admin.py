"""Django admin (``/admin-django/``) for superusers: read-mostly.

Roles are granted and revoked on the staff roles page (so every change is audited and checked by the
policy); tokens are revoked by their owner. Here a superuser can look, and only fix a user's contact
details or deactivate an account. NIKs are shown masked.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mpp.accounts.models import ApiToken, OidcIdentity, RoleGrant, User


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RoleGrantInline(admin.TabularInline[RoleGrant, User]):
    model = RoleGrant
    fk_name = "user"
    fields = ("role", "region", "mpp", "agency", "granted_by", "granted_at", "revoked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ("username", "name", "masked_nik", "email", "is_light_record", "is_active")
    list_filter = ("is_active", "is_light_record", "is_superuser")
    search_fields = ("username", "name", "email")
    fields = (
        "username",
        "name",
        "masked_nik",
        "birth_date",
        "email",
        "email_verified_at",
        "phone",
        "is_light_record",
        "is_active",
        "is_superuser",
        "last_login",
        "date_joined",
    )
    readonly_fields = (
        "username",
        "masked_nik",
        "email_verified_at",
        "birth_date",
        "is_light_record",
        "is_superuser",
        "last_login",
        "date_joined",
    )
    inlines = [RoleGrantInline]

    @admin.display(description=_("NIK"))
    def masked_nik(self, obj: User) -> str:
        return obj.masked_nik

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: User, form: ModelForm[User], change: bool
    ) -> None:
        if "email" in form.changed_data:
            obj.email_verified_at = None  # a new address counts once its owner opens the link
        super().save_model(request, obj, form, change)


@admin.register(RoleGrant)
class RoleGrantAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "scope_label", "granted_by", "granted_at", "revoked_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__name")
    list_select_related = ("user", "region", "mpp", "agency", "granted_by")


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ("prefix", "user", "name", "created_at", "expires_at", "revoked_at")
    fields = ("prefix", "user", "name", "created_at", "expires_at", "revoked_at", "last_used_at")
    search_fields = ("prefix", "user__username")
    list_select_related = ("user",)


@admin.register(OidcIdentity)
class OidcIdentityAdmin(ReadOnlyAdmin):
    """Linked INApas identities: seen as they are; removed (unlinked) when a person's identity
    at the provider was replaced. The next sign-in then asks for the account's password again."""

    list_display = ("user", "issuer", "created_account", "linked_at", "last_login_at")
    fields = ("user", "issuer", "subject", "created_account", "linked_at", "last_login_at")
    search_fields = ("user__username", "user__name")
    list_select_related = ("user",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)
