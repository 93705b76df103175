"""The typed schema of a service's online application form (pydantic v2).

A definition is stored as a JSON list of field objects (``ServiceVersion.form_definition``)::

    {"name": "nama_bayi", "type": "text", "label": "Nama bayi", "required": true,
     "help_text": "", "section": "Data bayi",
     "choices": [{"value": "l", "label": "Laki-laki"}],          # choice / multiple_choice
     "file_types": ["application/pdf"], "max_bytes": 2097152,    # file
     "visible_if": {"field": "jenis", "value": "baru"},          # shown only when jenis == baru
     "prefill": "name"}                 # name / nik / phone / email of the applicant, filled in,
                                        # or dukcapil_* : what Dukcapil holds of the applicant's NIK

``FormDefinition.parse`` turns that JSON into typed fields or raises ``DefinitionError`` whose
``problems`` are the Indonesian messages an editor sees, each naming the field. Every reader of a
definition (the validator, the form renderer, the API, the officer's answers view) goes through
these types, and whether a field is shown is decided by :func:`is_visible` alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pydantic import (
    BaseModel,
    ConfigDict,
    RootModel,
    ValidationError,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError

from mpp.documents.uploads import SIGNATURES, TYPE_NAMES, megabytes

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
FieldType = Literal[
    "text", "long_text", "number", "date", "choice", "multiple_choice", "nik", "region", "file"
]
CHOICE_TYPES = {"choice", "multiple_choice"}
# What a field may be prefilled with from the applicant's account (or, at the counter, from what
# the officer typed for the citizen): nobody retypes their name, NIK or telephone.
PREFILL_SOURCES = {
    "name": gettext_lazy("Nama pemohon"),
    "nik": gettext_lazy("NIK pemohon"),
    "phone": gettext_lazy("Nomor telepon pemohon"),
    "email": gettext_lazy("Surel pemohon"),
    # From Dukcapil, asked when the citizen starts an application (integrations.person_data).
    "dukcapil_name": gettext_lazy("Nama lengkap (dari Dukcapil)"),
    "dukcapil_birth_place": gettext_lazy("Tempat lahir (dari Dukcapil)"),
    "dukcapil_birth_date": gettext_lazy("Tanggal lahir (dari Dukcapil)"),
    "dukcapil_address": gettext_lazy("Alamat (dari Dukcapil)"),
    "dukcapil_kk_number": gettext_lazy("Nomor KK (dari Dukcapil)"),
}
DUKCAPIL_PREFIX = "dukcapil_"
PrefillSource = Literal[
    "name",
    "nik",
    "phone",
    "email",
    "dukcapil_name",
    "dukcapil_birth_place",
    "dukcapil_birth_date",
    "dukcapil_address",
    "dukcapil_kk_number",
]
# Content types an upload may be declared as (the upload service recognises each by its bytes).
FILE_TYPES = SIGNATURES
FILE_TYPE_NAMES = TYPE_NAMES
FILE_EXTENSIONS = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
}
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
MAX_FIELDS = 100


def max_upload_bytes() -> int:
    return int(settings.MPP_MAX_UPLOAD_BYTES)


class DefinitionError(ValueError):
    """The definition cannot work; ``problems`` lists why, in the editor's language."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _refusal(problems: list[str]) -> PydanticCustomError:
    # The messages travel in the context: literal braces in them must not be read as placeholders.
    return PydanticCustomError(
        "form_definition", "{count} problems", {"count": len(problems), "all": problems}
    )


def _messages(error: ValidationError) -> list[str]:
    return [
        m
        for detail in error.errors()
        for m in (detail.get("ctx") or {}).get("all", [detail["msg"]])
    ]


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Strict):
    value: str
    label: str


class Condition(_Strict):
    """Show the field only when the earlier field ``field`` has (or, for a multiple choice,
    includes) ``value``."""

    field: str
    value: str


class FormField(_Strict):
    name: str
    type: FieldType
    label: str
    required: bool = False
    help_text: str = ""
    section: str = ""
    choices: tuple[Choice, ...] | None = None
    file_types: tuple[str, ...] | None = None
    max_bytes: int | None = None
    visible_if: Condition | None = None
    prefill: PrefillSource | None = None
    # A date that cannot lie ahead (a birth, a death, a marriage): a future date is refused.
    past_only: bool = False

    @property
    def from_dukcapil(self) -> bool:
        """Prefilled from what Dukcapil holds of the applicant (shown "dari Dukcapil")."""
        return bool(self.prefill and self.prefill.startswith(DUKCAPIL_PREFIX))

    @model_validator(mode="before")
    @classmethod
    def _check(cls, raw: Any, info: ValidationInfo) -> Any:
        """All problems of one field at once, each as the message an editor reads."""
        position = (info.context or {}).get("position", 0)
        if not isinstance(raw, Mapping):
            raise _refusal([_("Isian ke-%(n)d bukan objek JSON.") % {"n": position}])
        problems = field_problems(raw, position, known_keys=set(cls.model_fields))
        if problems:
            raise _refusal(problems)
        return raw

    @property
    def is_choice(self) -> bool:
        return self.type in CHOICE_TYPES

    def choice_labels(self) -> dict[str, str]:
        return {choice.value: choice.label for choice in self.choices or ()}

    # --- File fields: what an upload may be, said before it is chosen ---------------------------

    @property
    def accepted_types(self) -> tuple[str, ...]:
        """The content types accepted (``file_types``; by default every type the checks know)."""
        return tuple(self.file_types or FILE_TYPES)

    @property
    def size_limit(self) -> int:
        """The largest upload in bytes (``max_bytes``, never above the platform's limit)."""
        return min(self.max_bytes or max_upload_bytes(), max_upload_bytes())

    @property
    def accept(self) -> str:
        """The HTML ``accept`` attribute: the content types and their usual extensions."""
        values = list(self.accepted_types)
        for content_type in self.accepted_types:
            values.extend(FILE_EXTENSIONS.get(content_type, ()))
        return ",".join(values)

    def file_hint(self) -> str:
        """“Berkas PDF atau JPEG, paling besar 2 MB.” (shown next to the input, before upload)."""
        names = [FILE_TYPE_NAMES.get(t, t) for t in self.accepted_types]
        if len(names) > 2:
            types = _("%(first)s, atau %(last)s") % {
                "first": ", ".join(names[:-1]),
                "last": names[-1],
            }
        elif len(names) == 2:
            types = _("%(first)s atau %(last)s") % {"first": names[0], "last": names[1]}
        else:
            types = names[0]
        return _("Berkas %(types)s, paling besar %(size)s.") % {
            "types": types,
            "size": megabytes(self.size_limit),
        }


def field_problems(raw: Mapping, position: int, known_keys: set[str]) -> list[str]:
    """Why the raw field object at ``position`` (1-based) cannot work, each message naming it."""
    problems: list[str] = []
    name = raw.get("name")
    label = name if isinstance(name, str) and name else f"#{position}"
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        problems.append(
            _(
                "Isian ke-%(n)d: nama “%(name)s” tidak sah; gunakan huruf kecil, angka, dan garis "
                "bawah, diawali huruf (paling banyak 50 karakter)."
            )
            % {"n": position, "name": name if isinstance(name, str) else ""}
        )
    unknown_keys = sorted(set(raw) - known_keys)
    if unknown_keys:
        problems.append(
            _("Isian “%(name)s”: kunci tidak dikenal: %(keys)s.")
            % {"name": label, "keys": ", ".join(unknown_keys)}
        )
    kind = raw.get("type")
    if kind not in FIELD_TYPES:
        problems.append(
            _("Isian “%(name)s”: jenis “%(type)s” tidak dikenal. Jenis yang tersedia: %(types)s.")
            % {"name": label, "type": kind, "types": ", ".join(FIELD_TYPES)}
        )
    if not _is_text(raw.get("label")):
        problems.append(_("Isian “%(name)s”: label wajib diisi.") % {"name": label})
    for key in ("help_text", "section"):
        if key in raw and not isinstance(raw[key], str):
            problems.append(
                _("Isian “%(name)s”: %(key)s harus berupa teks.") % {"name": label, "key": key}
            )
    if "required" in raw and not isinstance(raw["required"], bool):
        problems.append(_("Isian “%(name)s”: required harus true atau false.") % {"name": label})
    if kind in CHOICE_TYPES:
        problems.extend(_choice_problems(label, raw.get("choices")))
    elif "choices" in raw:
        problems.append(
            _("Isian “%(name)s”: pilihan hanya untuk jenis pilihan tunggal atau ganda.")
            % {"name": label}
        )
    if kind == "file":
        problems.extend(_file_problems(label, raw))
    elif "file_types" in raw or "max_bytes" in raw:
        problems.append(
            _("Isian “%(name)s”: file_types dan max_bytes hanya untuk jenis berkas.")
            % {"name": label}
        )
    if raw.get("past_only") and raw.get("type") != "date":
        problems.append(
            _("Isian “%(name)s”: past_only hanya untuk jenis tanggal.") % {"name": label}
        )
    if "prefill" in raw and raw["prefill"] not in PREFILL_SOURCES:
        problems.append(
            _("Isian “%(name)s”: prefill harus salah satu dari: %(sources)s.")
            % {"name": label, "sources": ", ".join(PREFILL_SOURCES)}
        )
    condition = raw.get("visible_if")
    if "visible_if" in raw and (
        not isinstance(condition, Mapping)
        or set(condition) != {"field", "value"}
        or not isinstance(condition.get("field"), str)
        or not isinstance(condition.get("value"), str)
    ):
        problems.append(
            _(
                "Isian “%(name)s”: visible_if harus berbentuk "
                '{"field": "<nama isian>", "value": "<nilai>"}.'
            )
            % {"name": label}
        )
    return problems


def _choice_problems(label: str, choices: Any) -> list[str]:
    if not isinstance(choices, list) or not choices:
        return [_("Isian “%(name)s”: jenis pilihan harus memiliki pilihan.") % {"name": label}]
    problems = []
    values = set()
    for choice in choices:
        if (
            not isinstance(choice, Mapping)
            or set(choice) != {"value", "label"}
            or not isinstance(choice.get("value"), str)
            or not choice["value"]
            or not _is_text(choice.get("label"))
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


def _file_problems(label: str, raw: Mapping) -> list[str]:
    problems = []
    types = raw.get("file_types")
    if "file_types" not in raw:
        pass  # every type the upload checks know
    elif not isinstance(types, list) or not types:
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
    size = raw.get("max_bytes")
    platform_max = max_upload_bytes()
    if "max_bytes" not in raw:
        pass  # the platform's limit
    elif not isinstance(size, int) or isinstance(size, bool) or size < 1:
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
                "size": megabytes(size),
                "max": megabytes(platform_max),
                "max_bytes": platform_max,
            }
        )
    return problems


class FormDefinition(RootModel[tuple[FormField, ...]]):
    """The fields of a form, in display order; names are unique and every condition points at
    an earlier field."""

    model_config = ConfigDict(frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _check(cls, raw: Any) -> Any:
        problems = definition_problems(raw)
        if problems:
            raise _refusal(problems)
        return raw

    @classmethod
    def parse(cls, raw: Any) -> FormDefinition:
        """The typed definition, or ``DefinitionError`` with every problem (in the active language)."""
        try:
            return cls.model_validate(raw)
        except ValidationError as error:
            raise DefinitionError(_messages(error)) from None

    @property
    def fields(self) -> tuple[FormField, ...]:
        return self.root

    def __iter__(self) -> Iterator[FormField]:  # type: ignore[override]  # the fields, as for a list
        return iter(self.root)

    def get(self, name: str) -> FormField | None:
        return next((item for item in self.root if item.name == name), None)

    def condition_hint(self, item: FormField) -> str:
        """Which answer a conditional field belongs to, in words (empty without a condition)."""
        condition = item.visible_if
        if condition is None:
            return ""
        target = self.get(condition.field)
        if target is None:
            return ""
        answer = target.choice_labels().get(condition.value, condition.value)
        return _("Hanya bila jawaban “%(question)s” adalah “%(answer)s”.") % {
            "question": target.label,
            "answer": answer,
        }

    def sections(self) -> list[tuple[str, list[FormField]]]:
        """Consecutive fields grouped by their ``section`` (one page each in the multi-step form)."""
        groups: list[tuple[str, list[FormField]]] = []
        for item in self.root:
            if not groups or groups[-1][0] != item.section:
                groups.append((item.section, []))
            groups[-1][1].append(item)
        return groups


def definition_problems(raw: Any) -> list[str]:
    """Every reason ``raw`` cannot work, each naming the field; empty when it is usable."""
    if not isinstance(raw, list):
        return [_("Definisi formulir harus berupa daftar (JSON array) isian.")]
    if len(raw) > MAX_FIELDS:
        return [_("Formulir paling banyak %(max)d isian.") % {"max": MAX_FIELDS}]
    problems: list[str] = []
    seen: dict[str, int] = {}
    names: list[str] = []
    for position, item in enumerate(raw, start=1):
        try:
            FormField.model_validate(item, context={"position": position})
        except ValidationError as error:
            problems.extend(_messages(error))
        name = item.get("name") if isinstance(item, Mapping) else None
        names.append(name if isinstance(name, str) else "")
        if not isinstance(name, str) or not NAME_PATTERN.match(name):
            continue
        if name in seen:
            problems.append(
                _(
                    "Nama isian “%(name)s” dipakai lebih dari sekali (isian ke-%(first)d dan "
                    "ke-%(n)d)."
                )
                % {"name": name, "first": seen[name], "n": position}
            )
        else:
            seen[name] = position
    for position, item in enumerate(raw, start=1):
        condition = item.get("visible_if") if isinstance(item, Mapping) else None
        if not isinstance(condition, Mapping) or not isinstance(condition.get("field"), str):
            continue
        label = names[position - 1] or f"#{position}"
        target = condition["field"]
        if target not in names:
            problems.append(
                _("Isian “%(name)s”: syarat tampil merujuk ke isian “%(target)s” yang tidak ada.")
                % {"name": label, "target": target}
            )
        elif names.index(target) >= position - 1:
            problems.append(
                _(
                    "Isian “%(name)s”: syarat tampil harus merujuk ke isian yang letaknya lebih awal."
                )
                % {"name": label}
            )
    return problems


def is_visible(field: FormField, answers: Mapping[str, Any]) -> bool:
    """Is ``field`` shown (and so asked, required and stored) given ``answers``?

    The one rule for conditional fields: a field without a condition is always shown; one with
    ``visible_if`` is shown when the earlier field's answer equals the value (or, for a multiple
    choice, includes it).
    """
    condition = field.visible_if
    if condition is None:
        return True
    value = answers.get(condition.field)
    if isinstance(value, (list, tuple)):
        return condition.value in value
    return value is not None and str(value) == condition.value
