"""What a service's issued document shows: its subject and fields, as on the real document.

Stored per version as ``ServiceVersion.document_template`` (JSON, empty = the default)::

    {"title": "Kutipan Akta Kelahiran",              # default: the version's product
     "opening": "Telah dicatat kelahiran:",           # default: "Yang bertanda tangan ..."
     "subject_label": "Nama", "subject": "nama_anak", # whom the document is about
     "subject_nik": "",                                # a NIK field printing under the name
     "fields": [{"label": "Tempat lahir", "field": "tempat_lahir"}, ...],
     "show_validity": false}                           # "Berlaku mulai/sampai" rows

``subject``, ``subject_nik`` and each ``field`` name a field of the form, or ``@pemohon`` (the
applicant's name / NIK) or ``@nomor_permohonan``. Only what the template names is printed: never
the applicant's telephone nor the questions of the form. The default (no template) prints the
applicant as the subject and the tracking number.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from pydantic import BaseModel, ConfigDict, ValidationError

from mpp.catalog.form_schema import FormDefinition
from mpp.regions.formatting import MONTHS_ID

APPLICANT = "@pemohon"
TRACKING_NUMBER = "@nomor_permohonan"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DocumentLine(_Strict):
    label: str
    field: str


class DocumentTemplate(_Strict):
    title: str = ""
    opening: str = ""
    subject_label: str = ""
    subject: str = APPLICANT
    subject_nik: str = ""
    fields: tuple[DocumentLine, ...] = ()
    show_validity: bool = True

    @property
    def nik_source(self) -> str:
        """Where the NIK under the subject's name comes from: ``subject_nik`` when given, else the
        applicant's NIK when the applicant is the subject (nobody else's NIK is guessed)."""
        if "subject_nik" in self.model_fields_set:
            return self.subject_nik
        return APPLICANT if self.subject == APPLICANT else ""

    @classmethod
    def of(cls, raw: Any) -> DocumentTemplate:
        """The template in ``raw`` (an empty or unusable one reads as the default)."""
        try:
            return cls.model_validate(raw or {})
        except ValidationError:
            return cls()


def template_problems(raw: Any, definition: FormDefinition) -> list[str]:
    """Why ``raw`` cannot be used with the form ``definition`` (messages for the editor)."""
    if not raw:
        return []
    try:
        template = DocumentTemplate.model_validate(raw)
    except ValidationError as error:
        return [
            _("Templat dokumen tidak sah: %(detail)s")
            % {
                "detail": "; ".join(
                    f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()
                )
            }
        ]
    names = [template.subject, template.subject_nik, *(line.field for line in template.fields)]
    problems = []
    for name in filter(None, names):
        if name in (APPLICANT, TRACKING_NUMBER):
            continue
        item = definition.get(name)
        if item is None or item.type == "file":
            problems.append(
                _("Templat dokumen merujuk ke isian “%(name)s” yang tidak ada pada formulir.")
                % {"name": name}
            )
    return problems


def long_date(value: str) -> str:
    """``2026-11-20`` → ``20 November 2026`` (the value unchanged when it is not a date)."""
    try:
        day = datetime.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


@dataclass(frozen=True)
class DocumentContent:
    title: str
    holder_name: str
    holder_nik: str
    context: dict[str, Any]


def document_content(
    raw_template: Any,
    definition: FormDefinition,
    data: dict[str, Any],
    *,
    product: str,
    applicant_name: str,
    applicant_nik: str,
    tracking_number: str,
) -> DocumentContent:
    """What the issued document prints for these answers, in the template's order and words."""
    template = DocumentTemplate.of(raw_template)

    def value_of(name: str, *, nik: bool = False) -> str:
        if name == APPLICANT:
            return applicant_nik if nik else applicant_name
        if name == TRACKING_NUMBER:
            return tracking_number
        item = definition.get(name)
        value = data.get(name)
        if item is None or item.type == "file" or value in (None, "", []):
            return ""
        if item.type == "choice":
            return item.choice_labels().get(value, str(value))
        if item.type == "multiple_choice":
            labels = item.choice_labels()
            return ", ".join(labels.get(v, str(v)) for v in value)
        if item.type == "date":
            return long_date(value)
        return str(value)

    details = [(line.label, shown) for line in template.fields if (shown := value_of(line.field))]
    if not template.fields:
        details = [(_("Nomor permohonan"), tracking_number)]
    return DocumentContent(
        title=template.title or product,
        holder_name=value_of(template.subject) or applicant_name,
        holder_nik=value_of(template.nik_source, nik=True) if template.nik_source else "",
        context={
            "details": details,
            "holder_label": template.subject_label,
            "opening": template.opening,
            "hide_validity": not template.show_validity,
        },
    )
