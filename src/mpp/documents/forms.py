from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

MAX_CHECK_UPLOAD_BYTES = 5 * 1024 * 1024


class FileCheckForm(forms.Form):
    """A citizen uploads the PDF they received; the page says whether it is the issued file."""

    file = forms.FileField(
        label=_("Berkas PDF yang ingin diperiksa"),
        help_text=_("Pilih berkas PDF dokumen ini (paling besar 5 MB). Berkas tidak disimpan."),
        error_messages={
            "required": _("Pilih berkas PDF yang ingin diperiksa."),
            "empty": _("Berkas yang dipilih kosong."),
            "invalid": _("Berkas tidak terbaca. Pilih ulang berkas PDF-nya."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self) -> UploadedFile[Any]:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_CHECK_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Berkas terlalu besar. Ukuran paling besar 5 MB."), code="too_big"
            )
        upload.seek(0)
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(
                _("Berkas ini bukan PDF. Pilih berkas PDF dokumen yang Anda terima."),
                code="not_pdf",
            )
        checked: UploadedFile[Any] = upload
        return checked


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Alasan pencabutan"),
        help_text=_("Alasan ini ditampilkan di halaman verifikasi dokumen."),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Alasan pencabutan wajib diisi.")},
    )


class SignatoryForm(forms.Form):
    """Who signs an agency's documents: printed in the signature box of every document."""

    signatory_name = forms.CharField(
        label=_("Nama pejabat penanda tangan"),
        max_length=150,
        help_text=_("Lengkap dengan gelar, seperti tertulis pada dokumen resmi."),
        error_messages={"required": _("Isi nama pejabat penanda tangan.")},
    )
    signatory_title = forms.CharField(
        label=_("Jabatan"),
        max_length=200,
        help_text=_("Contoh: Kepala Dinas Kependudukan dan Pencatatan Sipil Kota Batam."),
        error_messages={"required": _("Isi jabatan pejabat penanda tangan.")},
    )
    signatory_nip = forms.CharField(
        label=_("NIP"),
        max_length=30,
        required=False,
        help_text=_("18 digit; spasi boleh diketik. Kosongkan bila pejabat bukan ASN."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def clean_signatory_nip(self) -> str:
        nip = "".join(self.cleaned_data["signatory_nip"].split())
        if nip and not (nip.isascii() and nip.isdigit() and len(nip) == 18):
            raise forms.ValidationError(_("NIP harus 18 digit angka."))
        return nip
