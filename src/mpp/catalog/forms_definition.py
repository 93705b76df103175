"""Form definitions: the typed fields of a service's online application form.

A definition is a JSON list of field objects, shown in list order::

    {"name": "nama_bayi", "type": "text", "label": "Nama bayi", "required": true,
     "help_text": "", "section": "Data bayi",
     "choices": [{"value": "l", "label": "Laki-laki"}],          # choice / multiple_choice
     "file_types": ["application/pdf"], "max_bytes": 2097152,    # file
     "visible_if": {"field": "jenis", "value": "baru"}}          # shown only when jenis == baru

``definition_problems`` says, per problem, why a definition cannot work. ``validate_submission``
checks submitted data against a definition (visibility included), and ``build_form`` makes a Django
form from it for the web. The applications app uses these; nothing else should interpret definitions.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

FIELD_TYPES = {
    "text": gettext_lazy("Teks singkat"),
    "long_text": gettext_lazy("Teks panjang"),
    "number": gettext_lazy("Angka"),
    "date": gettext_lazy("Tanggal"),
    "choice": gettext_lazy("Pilihan tunggal"),
    "multiple_choice": gettext_lazy("Pilihan ganda"),
    "nik": gettext_lazy("NIK"),
    "region": gettext_lazy("Kabupaten/kota"),
    "file": gettext_lazy("Berkas"),
}
CHOICE_TYPES = {"choice", "multiple_choice"}
# Content types an upload may be declared as; each is recognised by its first bytes.
FILE_TYPES = {
    "application/pdf": (b"%PDF-",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
}
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
TEXT_MAX = 500
LONG_TEXT_MAX = 5000
MAX_FIELDS = 100
KNOWN_KEYS = {
    "name", "type", "label", "required", "help_text", "section", "choices", "file_types",
    "max_bytes", "visible_if",
}  # fmt: skip


def max_upload_bytes() -> int:
    return int(settings.MPP_MAX_UPLOAD_BYTES)


def _megabytes(value: int) -> str:
    return f"{value / (1024 * 1024):.1f}".replace(".", ",").removesuffix(",0") + " MB"


def definition_problems(definition: Any) -> list[str]:
    """Every reason ``definition`` cannot work, each naming the field; empty when it is usable."""
    if not isinstance(definition, list):
        return [_("Definisi formulir harus berupa daftar (JSON array) isian.")]
    if len(definition) > MAX_FIELDS:
        return [_("Formulir paling banyak %(max)d isian.") % {"max": MAX_FIELDS}]
    problems: list[str] = []
    seen: dict[str, int] = {}
    names_in_order: list[str] = []
    for position, item in enumerate(definition, start=1):
        if not isinstance(item, dict):
            problems.append(_("Isian ke-%(n)d bukan objek JSON.") % {"n": position})
            continue
        name = item.get("name")
        label = name if isinstance(name, str) and name else f"#{position}"
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            problems.append(
                _(
                    "Isian ke-%(n)d: nama “%(name)s” tidak sah; gunakan huruf kecil, angka, dan garis "
                    "bawah, diawali huruf (paling banyak 50 karakter)."
                )
                % {"n": position, "name": name if isinstance(name, str) else ""}
            )
        elif name in seen:
            problems.append(
                _(
                    "Nama isian “%(name)s” dipakai lebih dari sekali (isian ke-%(first)d dan ke-%(n)d)."
                )
                % {"name": name, "first": seen[name], "n": position}
            )
        else:
            seen[name] = position
        names_in_order.append(name if isinstance(name, str) else "")
        unknown_keys = sorted(set(item) - KNOWN_KEYS)
        if unknown_keys:
            problems.append(
                _("Isian “%(name)s”: kunci tidak dikenal: %(keys)s.")
                % {"name": label, "keys": ", ".join(unknown_keys)}
            )
        kind = item.get("type")
        if kind not in FIELD_TYPES:
            problems.append(
                _(
                    "Isian “%(name)s”: jenis “%(type)s” tidak dikenal. Jenis yang tersedia: %(types)s."
                )
                % {"name": label, "type": kind, "types": ", ".join(FIELD_TYPES)}
            )
        if not isinstance(item.get("label"), str) or not item.get("label", "").strip():
            problems.append(_("Isian “%(name)s”: label wajib diisi.") % {"name": label})
        for key in ("help_text", "section"):
            if key in item and not isinstance(item[key], str):
                problems.append(
                    _("Isian “%(name)s”: %(key)s harus berupa teks.") % {"name": label, "key": key}
                )
        if "required" in item and not isinstance(item["required"], bool):
            problems.append(
                _("Isian “%(name)s”: required harus true atau false.") % {"name": label}
            )
        if kind in CHOICE_TYPES:
            problems.extend(_choice_problems(label, item.get("choices")))
        elif "choices" in item:
            problems.append(
                _("Isian “%(name)s”: pilihan hanya untuk jenis pilihan tunggal atau ganda.")
                % {"name": label}
            )
        if kind == "file":
            problems.extend(_file_problems(label, item))
        elif "file_types" in item or "max_bytes" in item:
            problems.append(
                _("Isian “%(name)s”: file_types dan max_bytes hanya untuk jenis berkas.")
                % {"name": label}
            )
    for position, item in enumerate(definition, start=1):
        if isinstance(item, dict) and "visible_if" in item:
            problems.extend(_condition_problems(item, position, names_in_order, definition))
    return problems


def _choice_problems(label: str, choices: Any) -> list[str]:
    if not isinstance(choices, list) or not choices:
        return [_("Isian “%(name)s”: jenis pilihan harus memiliki pilihan.") % {"name": label}]
    problems = []
    values = set()
    for choice in choices:
        if (
            not isinstance(choice, dict)
            or not isinstance(choice.get("value"), str)
            or not choice["value"]
            or not isinstance(choice.get("label"), str)
            or not choice["label"].strip()
        ):
            problems.append(
                _("Isian “%(name)s”: setiap pilihan harus memiliki value dan label berupa teks.")
                % {"name": label}
            )
            break
        if choice["value"] in values:
            problems.append(
                _("Isian “%(name)s”: nilai pilihan “%(value)s” dipakai lebih dari sekali.")
                % {"name": label, "value": choice["value"]}
            )
        values.add(choice["value"])
    return problems


def _file_problems(label: str, item: dict) -> list[str]:
    problems = []
    types = item.get("file_types")
    if not isinstance(types, list) or not types:
        problems.append(
            _("Isian “%(name)s”: sebutkan tipe berkas yang diterima (file_types).")
            % {"name": label}
        )
    else:
        unknown = [str(t) for t in types if t not in FILE_TYPES]
        if unknown:
            problems.append(
                _(
                    "Isian “%(name)s”: tipe berkas %(types)s tidak didukung; yang didukung: %(known)s."
                )
                % {"name": label, "types": ", ".join(unknown), "known": ", ".join(FILE_TYPES)}
            )
    size = item.get("max_bytes")
    platform_max = max_upload_bytes()
    if not isinstance(size, int) or isinstance(size, bool) or size < 1:
        problems.append(
            _("Isian “%(name)s”: batas ukuran berkas (max_bytes) harus bilangan bulat positif.")
            % {"name": label}
        )
    elif size > platform_max:
        problems.append(
            _(
                "Isian “%(name)s”: batas ukuran berkas %(size)s melebihi batas platform %(max)s "
                "(%(max_bytes)d bita)."
            )
            % {
                "name": label,
                "size": _megabytes(size),
                "max": _megabytes(platform_max),
                "max_bytes": platform_max,
            }
        )
    return problems


def _condition_problems(item: dict, position: int, names: list[str], definition: list) -> list[str]:
    label = item.get("name") or f"#{position}"
    condition = item["visible_if"]
    if (
        not isinstance(condition, dict)
        or not isinstance(condition.get("field"), str)
        or not isinstance(condition.get("value"), str)
    ):
        return [
            _(
                "Isian “%(name)s”: visible_if harus berbentuk "
                '{"field": "<nama isian>", "value": "<nilai>"}.'
            )
            % {"name": label}
        ]
    target = condition["field"]
    if target not in names:
        return [
            _("Isian “%(name)s”: syarat tampil merujuk ke isian “%(target)s” yang tidak ada.")
            % {"name": label, "target": target}
        ]
    if names.index(target) >= position - 1:
        return [
            _("Isian “%(name)s”: syarat tampil harus merujuk ke isian yang letaknya lebih awal.")
            % {"name": label}
        ]
    return []


def fields_of(definition: list) -> list[dict]:
    """The fields of a valid definition, in display order."""
    return [item for item in definition if isinstance(item, dict)]


def is_visible(item: dict, data: dict) -> bool:
    condition = item.get("visible_if")
    if not condition:
        return True
    value = data.get(condition["field"])
    if isinstance(value, (list, tuple)):
        return condition["value"] in value
    return value is not None and str(value) == condition["value"]


def sniff_content_type(head: bytes) -> str | None:
    """The supported content type ``head`` (the first bytes of a file) really is, or None."""
    for content_type, signatures in FILE_TYPES.items():
        if any(head.startswith(signature) for signature in signatures):
            return content_type
    return None


def file_problems(item: dict, uploaded) -> list[str]:
    """Why ``uploaded`` (a Django UploadedFile) is not acceptable for the file field ``item``."""
    size = getattr(uploaded, "size", 0) or 0
    limit = min(int(item.get("max_bytes") or 0) or max_upload_bytes(), max_upload_bytes())
    if size == 0:
        return [_("Berkas kosong.")]
    if size > limit:
        return [_("Berkas terlalu besar; paling besar %(max)s.") % {"max": _megabytes(limit)}]
    position = uploaded.tell() if hasattr(uploaded, "tell") else 0
    uploaded.seek(0)
    head = uploaded.read(16)
    uploaded.seek(position)
    actual = sniff_content_type(head)
    if actual is None or actual not in item.get("file_types", []):
        return [
            _("Jenis berkas tidak diterima; unggah berkas %(types)s.")
            % {"types": ", ".join(_type_names(item.get("file_types", [])))}
        ]
    return []


def _type_names(types: list[str]) -> list[str]:
    names = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
    return [names.get(t, t) for t in types]


@dataclass
class SubmissionResult:
    cleaned: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _clean_value(item: dict, value: Any) -> Any:
    """Convert one submitted value; raise ValidationError with an Indonesian message."""
    kind = item["type"]
    if kind in ("text", "long_text"):
        if not isinstance(value, str):
            raise ValidationError(_("Harus berupa teks."))
        limit = TEXT_MAX if kind == "text" else LONG_TEXT_MAX
        value = value.replace("\x00", "").strip()
        if len(value) > limit:
            raise ValidationError(
                _("Terlalu panjang (paling banyak %(max)d karakter).") % {"max": limit}
            )
        return value
    if kind == "number":
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            raise ValidationError(_("Harus berupa angka.")) from None
        if not number.is_finite() or abs(number) >= Decimal("1e15"):
            raise ValidationError(_("Harus berupa angka."))
        return str(number)
    if kind == "date":
        if isinstance(value, datetime.date):
            return value.isoformat()
        try:
            return datetime.date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValidationError(_("Harus berupa tanggal dengan format YYYY-MM-DD.")) from None
    if kind == "choice":
        values = {choice["value"] for choice in item["choices"]}
        if not isinstance(value, str) or value not in values:
            raise ValidationError(_("Pilih salah satu pilihan yang tersedia."))
        return value
    if kind == "multiple_choice":
        values = {choice["value"] for choice in item["choices"]}
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)) or not all(
            isinstance(v, str) and v in values for v in value
        ):
            raise ValidationError(_("Pilih dari pilihan yang tersedia."))
        return [choice["value"] for choice in item["choices"] if choice["value"] in value]
    if kind == "nik":
        from mpp.accounts.nik import parse_nik

        parse_nik(str(value))
        return str(value).strip()
    if kind == "region":
        from mpp.regions.models import Region

        code = str(value).strip()
        if not (code.isascii() and code.isdigit() and len(code) == 4) or not (
            Region.objects.filter(code=code).exists()
        ):
            raise ValidationError(_("Pilih kabupaten/kota yang terdaftar (kode 4 digit)."))
        return code
    if kind == "file":
        # The applications app stores uploads and passes a reference (e.g. a document id) here.
        return value
    raise ValidationError(_("Jenis isian tidak dikenal."))


def validate_submission(
    definition: list, data: dict[str, Any], files: dict[str, Any] | None = None
) -> SubmissionResult:
    """Check ``data`` (and uploaded ``files``) against ``definition``.

    Hidden fields (``visible_if`` not met) are neither required nor kept. Unknown keys are ignored.
    A file field counts as filled when ``files`` has an upload for it or ``data`` has a reference.
    """
    result = SubmissionResult()
    files = files or {}
    data = data if isinstance(data, dict) else {}
    for item in fields_of(definition):
        name = item["name"]
        if not is_visible(item, {**data, **result.cleaned}):
            continue
        if item["type"] == "file" and name in files:
            problems = file_problems(item, files[name])
            if problems:
                result.errors[name] = problems
            else:
                result.cleaned[name] = files[name]
            continue
        value = data.get(name)
        if _is_empty(value):
            if item.get("required"):
                result.errors[name] = [_("Wajib diisi.")]
            continue
        try:
            result.cleaned[name] = _clean_value(item, value)
        except ValidationError as error:
            result.errors[name] = list(error.messages)
    return result


class DefinitionForm(forms.Form):
    """A Django form built from a definition by ``build_form``; validation is ``validate_submission``."""

    definition: list

    def __init__(self, *args, definition: list, **kwargs):
        self.definition = fields_of(definition)
        super().__init__(*args, **kwargs)
        for item in self.definition:
            self.fields[item["name"]] = _django_field(item)
            self.fields[item["name"]].visible_if = item.get("visible_if")

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        raw = {}
        for item in self.definition:
            name = item["name"]
            if item["type"] == "multiple_choice":
                raw[name] = (
                    self.data.getlist(self.add_prefix(name))
                    if hasattr(self.data, "getlist")
                    else self.data.get(self.add_prefix(name))
                )
            elif item["type"] != "file":
                raw[name] = self.data.get(self.add_prefix(name))
        uploads = {
            item["name"]: self.files[self.add_prefix(item["name"])]
            for item in self.definition
            if item["type"] == "file" and self.add_prefix(item["name"]) in self.files
        }
        result = validate_submission(self.definition, raw, uploads)
        self._errors = forms.utils.ErrorDict()
        for name, messages in result.errors.items():
            self._errors[name] = self.error_class(messages)
        self.cleaned_data = result.cleaned
        if self._errors:
            self.cleaned_data = {}

    def sections(self) -> list[tuple[str, list]]:
        """Bound fields grouped by their ``section`` (a topic per page for multi-step forms)."""
        groups: list[tuple[str, list]] = []
        for item in self.definition:
            section = item.get("section", "")
            if not groups or groups[-1][0] != section:
                groups.append((section, []))
            groups[-1][1].append(self[item["name"]])
        return groups


def _django_field(item: dict) -> forms.Field:
    common = {
        "label": item["label"],
        "required": bool(item.get("required")),
        "help_text": item.get("help_text", ""),
    }
    kind = item["type"]
    if kind == "long_text":
        return forms.CharField(max_length=LONG_TEXT_MAX, widget=forms.Textarea, **common)
    if kind == "number":
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    if kind == "date":
        return forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "choice":
        choices = [(c["value"], c["label"]) for c in item["choices"]]
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == "multiple_choice":
        choices = [(c["value"], c["label"]) for c in item["choices"]]
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == "nik":
        return forms.CharField(
            max_length=16,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            **common,
        )
    if kind == "region":
        return forms.CharField(
            max_length=4, widget=forms.TextInput(attrs={"inputmode": "numeric"}), **common
        )
    if kind == "file":
        accept = ",".join(item.get("file_types", []))
        return forms.FileField(widget=forms.ClearableFileInput(attrs={"accept": accept}), **common)
    return forms.CharField(max_length=TEXT_MAX, **common)


def build_form(definition: list, data=None, files=None, **kwargs) -> DefinitionForm:
    """A Django form for ``definition`` (only call with a definition that has no problems)."""
    return DefinitionForm(data, files, definition=definition, **kwargs)
