from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from mpp.accounts.models import ROLE_OPTIONAL_SCOPE_FIELDS, ROLE_SCOPE_FIELDS, Role, User
from mpp.accounts.nik import normalize_nik
from mpp.accounts.policy import Perm, can_grant, grantable_roles, scope_filter
from mpp.accounts.selectors import agencies_for, mpps_for
from mpp.accounts.services import (
    CitizenRegistration,
    StaffAccount,
    registration_data_problems,
    staff_account_problems,
)
from mpp.parsing import fields as bounded
from mpp.regions.models import Region
from mpp.tenancy.models import MPP


def current_password(label: StrOrPromise) -> forms.CharField:
    """The password of an existing account, as typed (no stripping), for the browser to fill."""
    return forms.CharField(
        label=label,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def new_password(label: StrOrPromise, help_text: StrOrPromise = "") -> forms.CharField:
    """A password being chosen, as typed; the rules are checked by the service, not here."""
    return forms.CharField(
        label=label,
        strip=False,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


def full_name() -> forms.CharField:
    return forms.CharField(
        label=_("Nama lengkap"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


PASSWORD_RULES = _("Minimal 10 karakter, tidak hanya angka, dan tidak mudah ditebak.")


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("NIK atau nama pengguna"),
        max_length=150,
        help_text=_("Warga masuk dengan NIK; petugas dengan nama pengguna."),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = current_password(_("Kata sandi"))

    def __init__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        username, password = cleaned.get("username"), cleaned.get("password")
        if username and password:
            user = authenticate(self.request, username=username, password=password)
            self.user = user if isinstance(user, User) else None
            if self.user is None:
                raise forms.ValidationError(
                    _("NIK/nama pengguna atau kata sandi salah. Periksa kembali lalu coba lagi."),
                    code="invalid_login",
                )
        return cleaned


class OidcLinkForm(forms.Form):
    """The password of the account that holds the NIK the provider vouched for: the proof that the
    person signing in with the provider owns it."""

    password = current_password(_("Kata sandi akun MPP Digital"))


class OidcCreateForm(forms.Form):
    consent = forms.BooleanField(
        label=_("Saya telah membaca pemberitahuan privasi dan menyetujui pemrosesan data saya."),
        required=False,  # the service says why when it is missing
    )


class RegistrationForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK"),
        max_length=32,
        help_text=_("16 digit angka seperti pada KTP-el atau Kartu Keluarga."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    name = full_name()
    birth_date = bounded.DateField(
        label=_("Tanggal lahir"),
        help_text=_("Harus sama dengan tanggal lahir pada NIK."),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )
    email = forms.CharField(
        label=_("Alamat surel"),
        required=False,
        help_text=_("Untuk pemberitahuan dan pengaturan ulang kata sandi."),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Nomor telepon"),
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    password = new_password(_("Kata sandi"), PASSWORD_RULES)
    consent = forms.BooleanField(
        label=_("Saya telah membaca pemberitahuan privasi dan menyetujui pemrosesan data saya."),
        required=False,  # the service says why when it is missing, like every other rule
    )

    def clean_nik(self) -> str:
        return normalize_nik(self.cleaned_data["nik"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        self.registration = CitizenRegistration(
            consent=bool(cleaned.get("consent")),
            nik=cleaned["nik"].strip(),
            name=cleaned["name"],
            birth_date=cleaned["birth_date"],
            password=cleaned["password"],
            email=cleaned.get("email") or "",
            phone=(cleaned.get("phone") or "").replace(" ", ""),
        )
        self.add_error(None, registration_data_problems(self.registration))  # {field: [messages]}
        return cleaned


class OtpForm(forms.Form):
    code = forms.RegexField(
        label=_("Kode verifikasi"),
        regex=r"^\s*\d{6}\s*$",
        help_text=_("Kode 6 digit dari aplikasi autentikator Anda."),
        error_messages={"invalid": _("Kode verifikasi terdiri dari 6 angka.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


class ScopeChoiceField(forms.ModelChoiceField[Any]):
    """A scope (agency, MPP, kab/kota) needed by some roles only: ``RoleGrantForm.clean`` asks for it
    when the chosen role needs it, so the label does not say "optional"."""

    def validate(self, value: Any) -> None:
        pass


class RoleGrantForm(forms.Form):
    """Invite a person to a role, on a scope inside the inviting manager's own scope: the role is
    granted only when the owner of the address accepts the invitation."""

    use_required_attribute = False  # the scope fields' need depends on the role chosen

    name = forms.CharField(label=_("Nama orang yang diundang"), max_length=150)
    email = forms.EmailField(
        label=_("Alamat surel"),
        max_length=254,
        help_text=_(
            "Tautan undangan dikirim ke alamat ini. Pemiliknya membuat akun petugas sendiri; "
            "peran tidak pernah dipasang pada akun yang sudah ada berdasarkan surel."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"invalid": _("Tulis alamat surel lengkap, misalnya nama@contoh.go.id.")},
    )
    role = forms.ChoiceField(label=_("Peran"))
    agency = ScopeChoiceField(
        label=_("Instansi"),
        queryset=None,
        help_text=_("Wajib untuk petugas layanan dan admin instansi."),
    )
    mpp = ScopeChoiceField(
        label=_("MPP"),
        queryset=None,
        help_text=_(
            "Wajib untuk petugas layanan dan pengelola MPP; untuk admin instansi membatasi "
            "perannya pada MPP ini."
        ),
    )
    region = ScopeChoiceField(
        label=_("Kabupaten/kota"),
        queryset=None,
        help_text=_("Wajib untuk admin kabupaten/kota."),
    )

    def __init__(self, actor: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.scope: dict[str, Any] = {}
        roles = grantable_roles(actor)
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            ("", _("Pilih peran")),
            *((r.value, r.label) for r in roles),
        ]
        cast(ScopeChoiceField, self.fields["agency"]).queryset = agencies_for(
            actor, Perm.MANAGE_ROLES
        )
        cast(ScopeChoiceField, self.fields["mpp"]).queryset = mpps_for(actor, Perm.MANAGE_ROLES)
        if Role.REGIONAL_ADMIN in roles:
            cast(ScopeChoiceField, self.fields["region"]).queryset = Region.objects.filter(
                scope_filter(actor, Perm.MANAGE_ROLES, agency=None, mpp=None, region="code")
            ).order_by("name")
        else:
            del self.fields["region"]
        if not any(ROLE_SCOPE_FIELDS[role] & {"agency"} for role in roles):
            del self.fields["agency"]
        if not any(ROLE_SCOPE_FIELDS[role] & {"mpp"} for role in roles):
            del self.fields["mpp"]
        for name in ("agency", "mpp", "region"):
            if name in self.fields:
                cast(ScopeChoiceField, self.fields[name]).empty_label = _("Pilih")
                self.fields[name].error_messages["invalid_choice"] = _(
                    "Pilihan ini di luar cakupan Anda."
                )
        self.fields["role"].error_messages["invalid_choice"] = _(
            "Anda tidak dapat memberikan peran ini."
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        role = cleaned.get("role")
        if not role:
            return cleaned
        role = Role(role)
        labels = {"agency": _("instansi"), "mpp": _("MPP"), "region": _("kabupaten/kota")}
        self.scope = {}
        for name in ROLE_SCOPE_FIELDS[role]:
            value = cleaned.get(name)
            if value is None:
                if name not in self.errors:
                    self.add_error(
                        name if name in self.fields else None,
                        _("Pilih %(scope)s untuk peran ini.") % {"scope": labels[name]},
                    )
            else:
                self.scope[name] = value
        for name in ROLE_OPTIONAL_SCOPE_FIELDS.get(role, frozenset()):
            if cleaned.get(name) is not None:
                self.scope[name] = cleaned[name]
        if self.errors:
            return cleaned
        if not can_grant(self.actor, role, **self.scope):
            raise forms.ValidationError(
                _("Anda tidak berwenang memberikan peran ini pada cakupan tersebut.")
            )
        cleaned["role"] = role
        return cleaned


class StaffAccountForm(forms.Form):
    """The new staff account an invitation creates; checked by ``services.staff_account_problems``."""

    username = forms.CharField(
        label=_("Nama pengguna"),
        max_length=150,
        help_text=_(
            "Untuk masuk, misalnya rudi.hartono. Huruf kecil, angka, titik atau tanda hubung."
        ),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    name = full_name()
    password = new_password(_("Kata sandi"), PASSWORD_RULES)
    password_again = new_password(_("Ulangi kata sandi"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        if cleaned["password"] != cleaned["password_again"]:
            self.add_error("password_again", _("Kedua kata sandi tidak sama."))
            return cleaned
        self.account = StaffAccount(
            username=cleaned["username"], name=cleaned["name"], password=cleaned["password"]
        )
        self.add_error(None, staff_account_problems(self.account))  # {field: [messages]}
        return cleaned


class ContactForm(forms.Form):
    email = forms.EmailField(
        label=_("Alamat surel"),
        required=False,
        max_length=254,
        help_text=_("Untuk pemberitahuan dan pengaturan ulang kata sandi."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": _("Tulis alamat surel lengkap, misalnya nama@contoh.id.")},
    )
    phone = forms.CharField(
        label=_("Nomor telepon"),
        required=False,
        max_length=20,
        help_text=_("Nomor seluler untuk pemberitahuan, misalnya 081234567890."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def clean_phone(self) -> str:
        phone = "".join(ch for ch in self.cleaned_data["phone"] if ch not in " -.()")
        digits = phone.removeprefix("+")
        if phone and not (digits.isascii() and digits.isdigit() and 8 <= len(digits) <= 15):
            raise forms.ValidationError(
                _(
                    "Tulis nomor telepon dengan angka saja (8 sampai 15 digit), misalnya 081234567890."
                )
            )
        return phone


class MppNetworkForm(forms.Form):
    """One of an MPP's own public networks (higher anonymous rate limits from it)."""

    mpp: forms.ModelChoiceField[MPP] = forms.ModelChoiceField(label=_("MPP"), queryset=None)
    network = forms.CharField(
        label=_("Jaringan (CIDR)"),
        max_length=49,
        help_text=_("Alamat publik Wi-Fi aula, loket dan anjungan MPP, misalnya 203.0.113.0/28."),
    )
    label = forms.CharField(label=_("Keterangan"), max_length=100, required=False)

    def __init__(self, actor: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField[MPP], self.fields["mpp"]).queryset = mpps_for(
            actor, Perm.MANAGE_MPP
        )
