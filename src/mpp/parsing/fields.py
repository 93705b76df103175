"""Form fields with the bounds of :mod:`mpp.parsing`: a number beyond the database's column or a
date beyond the calendar arithmetic's range is a form error in the person's language, never a
server error. Every integer and date field of a form in the project is one of these (a test walks
the forms and checks it)."""

from __future__ import annotations

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from mpp.parsing import (
    EARLIEST_DATE,
    LARGEST_ID,
    LARGEST_INTEGER,
    LATEST_DATE,
    in_date_range,
    parse_int,
)


class IntegerField(forms.IntegerField):
    """``forms.IntegerField`` bounded by the database column (``max_value`` defaults to 2**31 - 1)."""

    def __init__(self, *, max_value=LARGEST_INTEGER, min_value=None, **kwargs):
        super().__init__(max_value=max_value, min_value=min_value, **kwargs)


class IdField(IntegerField):
    """An id sent back by a form (a hidden input or a choice): 1 to 2**63 - 1."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", LARGEST_ID)
        super().__init__(**kwargs)


class DateField(forms.DateField):
    """``forms.DateField`` refusing dates before 1900 or after 2100 (year 9999, year 1)."""

    default_error_messages = {
        "out_of_range": _("Isi tanggal antara %(earliest)s dan %(latest)s."),
    }

    def to_python(self, value):
        day = super().to_python(value)
        if day is not None and not in_date_range(day):
            raise forms.ValidationError(
                self.error_messages["out_of_range"],
                code="out_of_range",
                params={
                    "earliest": EARLIEST_DATE.strftime("%d-%m-%Y"),
                    "latest": LATEST_DATE.strftime("%d-%m-%Y"),
                },
            )
        return day


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field checks each chosen id with ``pk__in``, which Django does not guard against
    an integer beyond the column (2**63 is an ``OverflowError`` on SQLite, a ``DataError`` on
    PostgreSQL): such an id is refused as a choice that does not exist."""

    def _check_values(self, value):
        meta = self.queryset.model._meta
        key = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        if isinstance(key, models.IntegerField):
            for chosen in value:
                if parse_int(chosen, minimum=-LARGEST_ID, maximum=LARGEST_ID) is None:
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": str(chosen)[:40]},
                    )
        return super()._check_values(value)


def formfield(db_field, **kwargs):
    """A ModelForm's ``formfield_callback``: integer and date columns get the bounded fields above
    (Django's own bound an integer by the database's column only when the model is validated, and
    SQLite's columns are 64-bit where PostgreSQL's are 32)."""
    if not db_field.choices and not isinstance(db_field, models.AutoField):
        if isinstance(db_field, models.IntegerField):
            kwargs.setdefault("form_class", IntegerField)
        elif isinstance(db_field, models.DateField) and not isinstance(
            db_field, models.DateTimeField
        ):
            kwargs.setdefault("form_class", DateField)
    return db_field.formfield(**kwargs)
