"""The form builder: a service's application form edited field by field, without JSON.

Each field of the typed ``FormDefinition`` is one row of a formset (label, name, type, required,
hint, section, choices, condition, file types and size). The page works as ordinary form posts;
htmx only swaps the builder in place. Rows become the JSON list ``FormDefinition.parse`` checks,
so the builder can never store what the schema refuses; its problems are shown as the schema words
them. Only the keys the schema knows are written, and only where they apply to the field's type.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.forms.utils import ErrorDict
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mpp.catalog.form_schema import FIELD_TYPES, FILE_TYPES, FormField, max_upload_bytes
from mpp.parsing import parse_int

FILE_TYPE_LABELS = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
}
MB = 1024 * 1024


def _value_for(label: str) -> str:
    return slugify(label).replace("-", "_")[:50] or "pilihan"


def choices_text(choices) -> str:
    """Choices as the builder shows them: ``value = label``, one per line."""
    return "\n".join(f"{c['value']} = {c['label']}" for c in choices or [])


def parse_choices(text: str) -> list[dict[str, str]]:
    """``l = Laki-laki`` lines (or just ``Laki-laki``, its value made from the label)."""
    result = []
    for line in (text or "").replace("\x00", "").splitlines():
        line = line.strip()
        if not line:
            continue
        value, sep, label = line.partition("=")
        if sep:
            value, label = value.strip(), label.strip()
        else:
            value, label = _value_for(line), line
        result.append({"value": value or _value_for(label), "label": label})
    return result


class FieldRowForm(forms.Form):
    """One field of the application form."""

    label = forms.CharField(label=gettext_lazy("Label"), max_length=200)
    name = forms.CharField(
        label=gettext_lazy("Nama teknis"),
        max_length=50,
        required=False,
        help_text=gettext_lazy(
            "Huruf kecil, angka, dan garis bawah. Kosongkan untuk membuatnya dari label."
        ),
    )
    type = forms.ChoiceField(label=gettext_lazy("Jenis isian"), choices=list(FIELD_TYPES.items()))
    required = forms.BooleanField(label=gettext_lazy("Wajib diisi"), required=False)
    help_text = forms.CharField(
        label=gettext_lazy("Petunjuk pengisian"), max_length=500, required=False
    )
    section = forms.CharField(
        label=gettext_lazy("Bagian (langkah formulir)"), max_length=100, required=False
    )
    choices = forms.CharField(
        label=gettext_lazy("Pilihan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Hanya untuk jenis pilihan. Satu pilihan per baris, misalnya “ya = Ya”."
        ),
    )
    visible_if_field = forms.ChoiceField(
        label=gettext_lazy("Tampilkan hanya bila isian"), required=False
    )
    visible_if_value = forms.CharField(
        label=gettext_lazy("bernilai"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("Nilai pilihan, misalnya “ya”. Kosongkan agar selalu tampil."),
    )
    file_types = forms.MultipleChoiceField(
        label=gettext_lazy("Tipe berkas yang diterima"),
        required=False,
        choices=[(t, FILE_TYPE_LABELS.get(t, t)) for t in FILE_TYPES],
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Hanya untuk jenis berkas."),
    )
    max_megabytes = forms.DecimalField(
        label=gettext_lazy("Ukuran berkas paling besar (MB)"),
        required=False,
        min_value=0.1,
        max_digits=5,
        decimal_places=1,
        help_text=gettext_lazy("Hanya untuk jenis berkas."),
    )

    def __init__(self, *args, names: Sequence[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["visible_if_field"]).choices = [
            ("", _("— selalu tampil —"))
        ] + [(n, n) for n in names if n]
        self.fields["max_megabytes"].widget.attrs["max"] = f"{max_upload_bytes() / MB:.1f}"

    def full_clean(self) -> None:
        """A row left empty (no label, no name) is dropped rather than refused."""
        if self.is_bound and not any(
            (str(self.data.get(self.add_prefix(key)) or "")).strip() for key in ("label", "name")
        ):
            self._errors = ErrorDict()
            self.cleaned_data = {"label": "", "name": ""}
            return
        super().full_clean()

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("label") or "").strip() and not (data.get("name") or "").strip()

    def raw(self) -> dict[str, Any]:
        return self.raw_from(self.cleaned_data)

    @staticmethod
    def raw_from(data: dict[str, Any]) -> dict[str, Any]:
        """The field as the schema's JSON object (only the keys that apply to its type)."""
        label = (data.get("label") or "").strip()
        name = (data.get("name") or "").strip() or _value_for(label)
        if name and not re.match(r"^[a-z]", name):
            name = f"isian_{name}"
        raw: dict[str, Any] = {
            "name": name,
            "type": data["type"],
            "label": label,
            "required": bool(data.get("required")),
        }
        if (data.get("help_text") or "").strip():
            raw["help_text"] = data["help_text"].strip()
        if (data.get("section") or "").strip():
            raw["section"] = data["section"].strip()
        if data["type"] in ("choice", "multiple_choice"):
            raw["choices"] = parse_choices(data.get("choices") or "")
        if data["type"] == "file":
            raw["file_types"] = list(data.get("file_types") or [])
            size = data.get("max_megabytes")
            raw["max_bytes"] = int(size * MB) if size else max_upload_bytes()
        if data.get("visible_if_field") and (data.get("visible_if_value") or "").strip():
            raw["visible_if"] = {
                "field": data["visible_if_field"],
                "value": data["visible_if_value"].strip(),
            }
        return raw


def initial_rows(definition: list) -> list[dict[str, Any]]:
    """The builder's rows for a stored definition (one dict of initial values per field)."""
    rows = []
    for raw in definition or []:
        field = FormField.model_validate(raw) if isinstance(raw, dict) else None
        if field is None:
            continue
        rows.append(
            {
                "label": field.label,
                "name": field.name,
                "type": field.type,
                "required": field.required,
                "help_text": field.help_text,
                "section": field.section,
                "choices": choices_text([c.model_dump() for c in field.choices or ()]),
                "visible_if_field": field.visible_if.field if field.visible_if else "",
                "visible_if_value": field.visible_if.value if field.visible_if else "",
                "file_types": list(field.file_types or ()),
                "max_megabytes": round(field.max_bytes / MB, 1) if field.max_bytes else None,
            }
        )
    return rows


FieldRowFormSet = forms.formset_factory(
    FieldRowForm, extra=0, can_delete=True, max_num=100, absolute_max=100, validate_max=True
)


def posted_names(data) -> list[str]:
    """The technical names in a posted builder (for the condition select), in order."""
    total = data.get("f-TOTAL_FORMS", "0")
    count = parse_int(total) or 0
    names = []
    for index in range(min(count, 100)):
        name = (data.get(f"f-{index}-name") or "").strip()
        label = (data.get(f"f-{index}-label") or "").strip()
        names.append(name or (_value_for(label) if label else ""))
    return names


def move(rows: list[dict], index: int, step: int) -> list[dict]:
    target = index + step
    if 0 <= index < len(rows) and 0 <= target < len(rows):
        rows[index], rows[target] = rows[target], rows[index]
    return rows
