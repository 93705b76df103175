from __future__ import annotations

from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from mpp.accounts.services import CitizenRegistration, check_citizen_registration


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("NIK atau nama pengguna"),
        max_length=150,
        help_text=_("Warga masuk dengan NIK; petugas dengan nama pengguna."),
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    password = forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        username, password = cleaned.get("username"), cleaned.get("password")
        if username and password:
            self.user = authenticate(self.request, username=username, password=password)
            if self.user is None:
                raise forms.ValidationError(
                    _("NIK/nama pengguna atau kata sandi salah. Periksa kembali lalu coba lagi."),
                    code="invalid_login",
                )
        return cleaned


class RegistrationForm(forms.Form):
    nik = forms.CharField(
        label=_("NIK"),
        max_length=32,
        help_text=_("16 digit angka seperti pada KTP-el atau Kartu Keluarga."),
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    name = forms.CharField(
        label=_("Nama lengkap"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    birth_date = forms.DateField(
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
    password = forms.CharField(
        label=_("Kata sandi"),
        strip=False,
        help_text=_("Minimal 10 karakter, tidak hanya angka, dan tidak mudah ditebak."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.registration = CitizenRegistration(
            nik=cleaned["nik"].strip(),
            name=cleaned["name"],
            birth_date=cleaned["birth_date"],
            password=cleaned["password"],
            email=cleaned.get("email") or "",
            phone=(cleaned.get("phone") or "").replace(" ", ""),
        )
        for field, messages in check_citizen_registration(self.registration).items():
            for message in messages:
                self.add_error(field, message)
        return cleaned


class OtpForm(forms.Form):
    code = forms.RegexField(
        label=_("Kode verifikasi"),
        regex=r"^\s*\d{6}\s*$",
        help_text=_("Kode 6 digit dari aplikasi autentikator Anda."),
        error_messages={"invalid": _("Kode verifikasi terdiri dari 6 angka.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
