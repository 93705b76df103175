"""Report periods: day, week, month, quarter, year or a custom range, and the one before it."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from mpp.parsing import fields as bounded

KINDS = (
    ("hari", _("Hari")),
    ("minggu", _("Minggu")),
    ("bulan", _("Bulan")),
    ("kuartal", _("Kuartal")),
    ("tahun", _("Tahun")),
    ("kustom", _("Rentang sendiri")),
)
MAX_CUSTOM_DAYS = 731


@dataclass(frozen=True)
class Period:
    kind: str
    start: datetime.date
    end: datetime.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period just before: the previous month/quarter/year, else the same length."""
        if self.kind == "bulan":
            end = self.start - datetime.timedelta(days=1)
            return month_of(end)
        if self.kind == "kuartal":
            return quarter_of(self.start - datetime.timedelta(days=1))
        if self.kind == "tahun":
            return year_of(self.start - datetime.timedelta(days=1))
        length = datetime.timedelta(days=self.days)
        return Period(self.kind, self.start - length, self.end - length)

    def clipped_end(self, today: datetime.date) -> datetime.date:
        """The last day with data so far (snapshots are read on this day)."""
        return min(self.end, today)

    def params(self) -> dict[str, str]:
        if self.kind == "kustom":
            return {
                "periode": "kustom",
                "dari": self.start.isoformat(),
                "sampai": self.end.isoformat(),
            }
        return {"periode": self.kind, "tanggal": self.start.isoformat()}

    def buckets(self) -> list[tuple[datetime.date, datetime.date]]:
        """Chart bars: days up to two months, else calendar months (read from monthly sums)."""
        if self.days <= 62:
            return [(d, d) for d in _days(self.start, self.end)]
        out, day = [], self.start
        while day <= self.end:
            last = min(month_of(day).end, self.end)
            out.append((day, last))
            day = last + datetime.timedelta(days=1)
        return out


def _days(start: datetime.date, end: datetime.date):
    day = start
    while day <= end:
        yield day
        day += datetime.timedelta(days=1)


def day_of(day: datetime.date) -> Period:
    return Period("hari", day, day)


def week_of(day: datetime.date) -> Period:
    start = day - datetime.timedelta(days=day.weekday())
    return Period("minggu", start, start + datetime.timedelta(days=6))


def month_of(day: datetime.date) -> Period:
    last = calendar.monthrange(day.year, day.month)[1]
    return Period("bulan", day.replace(day=1), day.replace(day=last))


def quarter_of(day: datetime.date) -> Period:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = datetime.date(day.year, first_month, 1)
    end = month_of(datetime.date(day.year, first_month + 2, 1)).end
    return Period("kuartal", start, end)


def year_of(day: datetime.date) -> Period:
    return Period("tahun", datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31))


BUILDERS = {
    "hari": day_of,
    "minggu": week_of,
    "bulan": month_of,
    "kuartal": quarter_of,
    "tahun": year_of,
}


class PeriodForm(forms.Form):
    periode = forms.ChoiceField(label=_("Periode"), choices=KINDS, required=False)
    tanggal = bounded.DateField(
        label=_("Tanggal dalam periode"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    dari = bounded.DateField(
        label=_("Dari tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sampai = bounded.DateField(
        label=_("Sampai tanggal"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("periode") == "kustom":
            start, end = data.get("dari"), data.get("sampai")
            if not start or not end:
                raise forms.ValidationError(_("Isi tanggal awal dan akhir rentang."))
            if end < start:
                self.add_error("sampai", _("Tanggal akhir tidak boleh sebelum tanggal awal."))
            elif (end - start).days + 1 > MAX_CUSTOM_DAYS:
                self.add_error("sampai", _("Rentang paling panjang 2 tahun."))
        return data

    def period(self, today: datetime.date) -> Period:
        """The chosen period (this month when nothing valid was chosen)."""
        if not self.is_bound or not self.is_valid():
            return month_of(today)
        data = self.cleaned_data
        kind = data.get("periode") or "bulan"
        if kind == "kustom":
            return Period("kustom", data["dari"], data["sampai"])
        return BUILDERS[kind](data.get("tanggal") or today)


def period_from(query, today: datetime.date) -> tuple[PeriodForm, Period]:
    form = PeriodForm(
        query if any(k in query for k in ("periode", "tanggal", "dari", "sampai")) else None
    )
    return form, form.period(today)
