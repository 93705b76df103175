"""Form fields with the bounds of :mod:`mpp.parsing`: a number beyond the database's column or a
date beyond the calendar arithmetic's range is a form error in the person's language, never a
server error. Every integer and date field of a form in the project is one of these (a test walks
the forms and checks it)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mpp.parsing import EARLIEST_DATE, LARGEST_ID, LARGEST_INTEGER, LATEST_DATE, in_date_range


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
