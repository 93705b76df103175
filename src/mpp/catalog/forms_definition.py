"""Answers to a service's application form: checking them and the Django form that asks them.

The definition itself is typed in :mod:`mpp.catalog.form_schema`. ``validate_submission`` checks
submitted data against it (a field hidden by its condition is neither required nor kept), and
``build_form`` makes a Django form from it for the web. The applications app uses these; nothing
else interprets definitions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypedDict
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from mpp.catalog.form_schema import FormDefinition, FormField, is_visible
from mpp.documents.uploads import UploadRule, upload_problem
from mpp.regions.localtime import ZONE_NAMES

TEXT_MAX = 500
LONG_TEXT_MAX = 5000


def file_problems(item: FormField, uploaded) -> list[str]:
    """Why ``uploaded`` (a Django UploadedFile) is not acceptable for the file field ``item``."""
    problem = upload_problem(uploaded, upload_rule(item))
    return [problem] if problem else []


def upload_rule(item: FormField) -> UploadRule:
    """What the file field ``item`` accepts, for the upload service."""
    return UploadRule(types=tuple(item.accepted_types), max_bytes=item.size_limit)


@dataclass
class SubmissionResult:
    cleaned: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors


def latest_today() -> datetime.date:
    """Today's date where it is latest in Indonesia (the easternmost zone, WIT): a birth registered
    in Jayapura just after midnight is never refused as a future date."""
    now = timezone.now()
    return max(now.astimezone(ZoneInfo(name)).date() for name in ZONE_NAMES)


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == ()


def _clean_value(item: FormField, value: Any) -> Any:
    """Convert one submitted value; raise ValidationError with an Indonesian message."""
    kind = item.type
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
            day = value
        else:
            try:
                day = datetime.date.fromisoformat(str(value).strip())
            except ValueError:
                raise ValidationError(_("Harus berupa tanggal dengan format YYYY-MM-DD.")) from None
        if item.past_only and day > latest_today():
            raise ValidationError(
                _("Tanggal ini belum terjadi. Isi tanggal hari ini atau sebelumnya.")
            )
        return day.isoformat()
    if kind == "choice":
        values = item.choice_labels()
        if not isinstance(value, str) or value not in values:
            raise ValidationError(_("Pilih salah satu pilihan yang tersedia."))
        return value
    if kind == "multiple_choice":
        values = item.choice_labels()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)) or not all(
            isinstance(v, str) and v in values for v in value
        ):
            raise ValidationError(_("Pilih dari pilihan yang tersedia."))
        return [choice.value for choice in item.choices or () if choice.value in value]
    if kind == "nik":
        from mpp.accounts.nik import normalize_nik, parse_nik

        nik = normalize_nik(value)  # typed with spaces or dashes: kept as the 16 digits
        parse_nik(nik)
        return nik
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
    definition: FormDefinition | list[FormField],
    data: dict[str, Any],
    files: dict[str, Any] | None = None,
) -> SubmissionResult:
    """Check ``data`` (and uploaded ``files``) against ``definition`` (or some of its fields).

    Hidden fields (see ``is_visible``) are neither required nor kept. Unknown keys are ignored.
    A file field counts as filled when ``files`` has an upload for it or ``data`` has a reference.
    """
    result = SubmissionResult()
    files = files or {}
    data = data if isinstance(data, dict) else {}
    for item in definition:
        name = item.name
        if not is_visible(item, {**data, **result.cleaned}):
            continue
        if item.type == "file" and name in files:
            problems = file_problems(item, files[name])
            if problems:
                result.errors[name] = problems
            else:
                result.cleaned[name] = files[name]
            continue
        value = data.get(name)
        if _is_empty(value):
            if item.required:
                result.errors[name] = [_("Wajib diisi.")]
            continue
        try:
            result.cleaned[name] = _clean_value(item, value)
        except ValidationError as error:
            result.errors[name] = list(error.messages)
    return result


class DefinitionForm(forms.Form):
    """A Django form built from a definition by ``build_form``; validation is ``validate_submission``."""

    def __init__(
        self,
        *args,
        definition: FormDefinition | list[FormField],
        ask_uploads: bool = True,
        **kwargs,
    ):
        self.definition = list(definition)
        super().__init__(*args, **kwargs)
        for item in self.definition:
            self.fields[item.name] = _django_field(item, ask_uploads=ask_uploads)
            # Read by the preview page (``field.field.visible_if``); django-stubs declare no
            # attribute of one's own on a form field.
            self.fields[item.name].visible_if = item.visible_if  # type: ignore[attr-defined]

    def full_clean(self):
        super().full_clean()
        if not self.is_bound:
            return
        raw = {}
        for item in self.definition:
            key = self.add_prefix(item.name)
            if item.type == "multiple_choice":
                raw[item.name] = (
                    self.data.getlist(key) if hasattr(self.data, "getlist") else self.data.get(key)
                )
            elif item.type != "file":
                raw[item.name] = self.data.get(key)
        uploads = {
            item.name: self.files[self.add_prefix(item.name)]
            for item in self.definition
            if item.type == "file" and self.add_prefix(item.name) in self.files
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
            if not groups or groups[-1][0] != item.section:
                groups.append((item.section, []))
            groups[-1][1].append(self[item.name])
        return groups


class _Common(TypedDict):
    """What every field of a published form is given."""

    label: str
    required: bool
    help_text: str


def _django_field(item: FormField, *, ask_uploads: bool = True) -> forms.Field:
    common: _Common = {
        "label": item.label,
        # An upload already stored satisfies a file field, so a step page may not insist on one.
        "required": item.required and (ask_uploads or item.type != "file"),
        "help_text": item.help_text,
    }
    kind = item.type
    if kind == "long_text":
        return forms.CharField(max_length=LONG_TEXT_MAX, widget=forms.Textarea, **common)
    if kind == "number":
        return forms.CharField(widget=forms.TextInput(attrs={"inputmode": "decimal"}), **common)
    if kind == "date":
        attrs = {"type": "date"}
        if item.past_only:
            attrs["max"] = latest_today().isoformat()
        return forms.CharField(widget=forms.DateInput(attrs=attrs), **common)
    if kind == "choice":
        choices = list(item.choice_labels().items())
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == "multiple_choice":
        choices = list(item.choice_labels().items())
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == "nik":
        return forms.CharField(
            max_length=24,  # spaces and dashes are removed when checked
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            **common,
        )
    if kind == "region":
        return forms.CharField(
            max_length=4, widget=forms.TextInput(attrs={"inputmode": "numeric"}), **common
        )
    if kind == "file":
        # Said before the upload: which types and how large (the checks on upload are the same).
        hint = item.file_hint()
        common["help_text"] = f"{item.help_text} {hint}".strip() if item.help_text else hint
        return forms.FileField(
            widget=forms.ClearableFileInput(attrs={"accept": item.accept}), **common
        )
    return forms.CharField(max_length=TEXT_MAX, **common)


def build_form(
    definition: FormDefinition | list[FormField], data=None, files=None, **kwargs
) -> DefinitionForm:
    """A Django form for ``definition`` (or some of its fields)."""
    return DefinitionForm(data, files, definition=definition, **kwargs)
