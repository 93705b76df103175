"""Users, staff roles granted on a scope, and API tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from mpp.accounts.nik import mask_nik
from mpp.audit.models import AppendOnlyModel
from mpp.fields import optional_link
from mpp.regions.models import Region
from mpp.tenancy.models import MPP, Agency


class User(AbstractUser):
    """One account for every person: citizens (identified by NIK) and staff (identified by role grants).

    ``first_name``/``last_name`` are unused: many Indonesians have a single name, so ``name`` holds
    the full name as written on the KTP-el.
    """

    name = models.CharField(_("nama lengkap"), max_length=150)
    nik = models.CharField(_("NIK"), max_length=16, unique=True, null=True, blank=True)
    birth_date = models.DateField(_("tanggal lahir"), null=True, blank=True)
    phone = models.CharField(_("nomor telepon"), max_length=20, blank=True)
    is_light_record = models.BooleanField(
        _("data ringan"),
        default=False,
        help_text=_("Dibuat petugas loket untuk warga yang datang langsung; belum bisa masuk."),
    )

    # When the owner opened the link sent to ``email``: until then the address counts for nothing
    # (no online booking, never a way to a staff role). Cleared whenever the address changes.
    email_verified_at = models.DateTimeField(_("surel diverifikasi pada"), null=True, blank=True)

    # Changed to end every session and API token of the user at once (a role granted or revoked, a
    # password reset or changed); it is part of the session hash Django checks on each request.
    session_stamp = models.CharField(max_length=32, blank=True, default="")

    # Raised by database triggers in the transaction that changes any of the user's role grants or
    # two-factor devices, however they are written (migration 0009): the key under which a
    # request's sign-in keeps them in the cache (``mpp.accounts.access``), so a change is seen by
    # the very next request. It only rises (a stale ``save()`` cannot lower it).
    access_stamp = models.BigIntegerField(default=0, db_default=0, editable=False)

    objects: ClassVar[UserManager[Self]] = UserManager()

    if TYPE_CHECKING:
        # Set on each request's user by django-otp's OTPMiddleware (the second factor passed).
        def is_verified(self) -> bool: ...

        # Set by the API's bearer authentication on the user it returns; absent otherwise (read
        # it with getattr outside the API's operations), never None.
        current_token: ApiToken

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def __str__(self) -> str:
        return self.name or self.username

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        key_salt = "mpp.accounts.User.session_auth_hash"
        value = f"{self.password}:{self.session_stamp}"
        return salted_hmac(key_salt, value, secret=secret, algorithm="sha256").hexdigest()

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)

    @cached_property
    def active_grants(self) -> list[RoleGrant]:
        """The user's active role grants, loaded once per request (one query; a signed-in
        request's sign-in puts them here from the cache, ``mpp.accounts.access``)."""
        return self.load_active_grants()

    def load_active_grants(self) -> list[RoleGrant]:
        if not self.pk:
            return []
        return list(
            RoleGrant.objects.active()
            .filter(user=self)
            .select_related("region", "mpp", "mpp__region", "agency")
        )

    @property
    def email_is_verified(self) -> bool:
        return bool(self.email) and self.email_verified_at is not None

    @property
    def is_staff_member(self) -> bool:
        """Staff are people with a role grant; they must use two-factor authentication."""
        return bool(self.active_grants) or self.is_superuser


class Role(models.TextChoices):
    OFFICER = "officer", _("Petugas layanan")
    AGENCY_ADMIN = "agency_admin", _("Admin instansi")
    MPP_MANAGER = "mpp_manager", _("Pengelola MPP")
    REGIONAL_ADMIN = "regional_admin", _("Admin kabupaten/kota")
    MINISTRY_ADMIN = "ministry_admin", _("Admin kementerian")
    MINISTRY_ANALYST = "ministry_analyst", _("Analis kementerian")
    COMPLAINT_DESK = "complaint_desk", _("Petugas pengaduan MPP")
    # The contact a region named on its onboarding application, invited by the ministry at its
    # first decision: acts for the region in onboarding only, before the region has access.
    REGION_CONTACT = "region_contact", _("Narahubung penerapan daerah")


# Which scope fields each role is granted on; the others must be empty.
ROLE_SCOPE_FIELDS: dict[str, frozenset[str]] = {
    Role.OFFICER: frozenset({"agency", "mpp"}),
    Role.AGENCY_ADMIN: frozenset({"agency"}),
    Role.MPP_MANAGER: frozenset({"mpp"}),
    Role.REGIONAL_ADMIN: frozenset({"region"}),
    Role.MINISTRY_ADMIN: frozenset(),
    Role.MINISTRY_ANALYST: frozenset(),
    Role.COMPLAINT_DESK: frozenset({"mpp"}),
    Role.REGION_CONTACT: frozenset({"region"}),
}
# Scope fields a role may narrow its grant with: an agency admin granted by an MPP manager or a
# regional admin runs the agency at that MPP only.
ROLE_OPTIONAL_SCOPE_FIELDS: dict[str, frozenset[str]] = {Role.AGENCY_ADMIN: frozenset({"mpp"})}
SCOPE_FIELDS = ("region", "mpp", "agency")
NATIONAL_ROLES = frozenset({Role.MINISTRY_ADMIN, Role.MINISTRY_ANALYST})


def _scope_check() -> Q:
    checks = Q()
    for role, fields in ROLE_SCOPE_FIELDS.items():
        optional = ROLE_OPTIONAL_SCOPE_FIELDS.get(role, frozenset())
        shape = Q(role=role)
        for field in SCOPE_FIELDS:
            if field not in optional:
                shape &= Q(**{f"{field}__isnull": field not in fields})
        checks |= shape
    return checks


class RoleGrantQuerySet(models.QuerySet["RoleGrant"]):
    def active(self) -> RoleGrantQuerySet:
        return self.filter(revoked_at__isnull=True)


class RoleGrant(models.Model):
    """A role held by a user on one scope: an agency at an MPP, an agency, an MPP, a region or the nation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(_("peran"), max_length=32, choices=Role.choices)
    region = optional_link(Region)
    mpp = optional_link(MPP)
    agency = optional_link(Agency)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = RoleGrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("pemberian peran")
        verbose_name_plural = _("pemberian peran")
        constraints = [
            models.CheckConstraint(condition=_scope_check(), name="role_grant_scope_matches_role"),
        ]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.scope_label}"

    @property
    def scope_label(self) -> str:
        return _scope_label(self)


def _scope_label(scoped: RoleGrant | Invitation) -> str:
    """Where a grant (or the grant an invitation offers) reaches, as people read it."""
    if scoped.agency_id and scoped.mpp_id:
        return _("%(agency)s di %(mpp)s") % {"agency": scoped.agency, "mpp": scoped.mpp}
    if scoped.agency_id:
        return str(scoped.agency)
    if scoped.mpp_id:
        return str(scoped.mpp)
    if scoped.region_id:
        return str(scoped.region)
    return str(_("Nasional"))


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def pending(self) -> InvitationQuerySet:
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class Invitation(models.Model):
    """A staff role offered to whoever owns an email address, granted only when they accept.

    The link sent to the address carries a random token; only its SHA-256 is stored. Accepting
    creates a new staff account (or, for a signed-in staff member whose verified address is this
    one, adds the role to that account): an invitation is never attached to an account found by
    its email.
    """

    role = models.CharField(_("peran"), max_length=32, choices=Role.choices)
    region = optional_link(Region)
    mpp = optional_link(MPP)
    agency = optional_link(Agency)
    email = models.EmailField(_("surel"))
    name = models.CharField(_("nama"), max_length=150)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    accepted_at = models.DateTimeField(_("diterima pada"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    grant = models.ForeignKey(
        RoleGrant, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("dibatalkan pada"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("undangan peran")
        verbose_name_plural = _("undangan peran")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.scope_label}"

    @property
    def scope_label(self) -> str:
        return _scope_label(self)

    @property
    def scope(self) -> dict[str, Any]:
        return {"region": self.region, "mpp": self.mpp, "agency": self.agency}

    @property
    def is_pending(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A bearer token for the API. Only its SHA-256 is stored; the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(_("awalan"), max_length=8)
    name = models.CharField(_("nama"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(_("berlaku sampai"))
    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Issued after a verified TOTP code: only such a token carries the holder's staff roles.
    second_factor = models.BooleanField(_("dengan verifikasi dua langkah"), default=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.prefix}…"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()


class PrivacyConsent(AppendOnlyModel):
    """A citizen's consent to one version of the privacy notice (UU 27/2022), kept as given."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="privacy_consents")
    notice_version = models.CharField(_("versi pemberitahuan"), max_length=20)
    at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("persetujuan privasi")
        verbose_name_plural = _("persetujuan privasi")

    def __str__(self) -> str:
        return f"{self.notice_version} {self.at:%Y-%m-%d}"


class OidcIdentity(models.Model):
    """An account's identity at an OpenID provider (INApas/IKD): the provider's issuer and the
    subject it names the person by. Only these and the times are kept; the NIK is the account's
    own, which a sign-in never changes.

    An account created by a sign-in with the provider, or linked to it after its owner proved the
    account with the password, holds a NIK the provider vouched for: "identitas terverifikasi".
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="oidc_identities")
    issuer = models.CharField(_("penerbit identitas"), max_length=255)
    subject = models.CharField(_("subjek"), max_length=255)
    created_account = models.BooleanField(
        _("akun dibuat saat masuk"),
        default=False,
        help_text=_("Akun dibuat oleh masuk pertama dengan penyedia identitas (bukan ditautkan)."),
    )
    linked_at = models.DateTimeField(_("ditautkan pada"), default=timezone.now)
    last_login_at = models.DateTimeField(_("terakhir masuk"), null=True, blank=True)

    objects: ClassVar[models.Manager[Self]] = models.Manager()

    class Meta:
        verbose_name = _("identitas penyedia OpenID")
        verbose_name_plural = _("identitas penyedia OpenID")
        constraints = [
            models.UniqueConstraint(
                fields=["issuer", "subject"], name="oidc_identity_unique_subject"
            ),
            # One identity per provider per account: a second person's INApas never joins it.
            models.UniqueConstraint(fields=["user", "issuer"], name="oidc_identity_one_per_issuer"),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} — {self.user}"
