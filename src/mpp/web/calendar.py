"""The working-day calendar back office (/kelola/kalender/): views over mpp.calendars."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mpp.calendars import selectors, services
from mpp.calendars.forms import CalendarOverrideForm
from mpp.regions.formatting import format_date
from mpp.regions.models import Region

NATIONAL = "nasional"


def _forbidden(request, message: str):
    return render(request, "web/forbidden.html", {"message": message}, status=403)


def _region_or_national(request, code: str) -> Region | None:
    """The region named in the URL, or None for the national calendar; 404 for unknown codes."""
    if code == NATIONAL:
        return None
    return get_object_or_404(Region, code=code)


def _current_year() -> int:
    return datetime.date.today().year


@login_required
def calendar_index(request):
    regions = selectors.calendar_regions_for(request.user)
    national = selectors.may_manage_national_calendar(request.user)
    if not national and not regions.exists():
        return _forbidden(request, _("Anda tidak memiliki peran untuk mengelola kalender kerja."))
    chosen = request.GET.get("wilayah")
    if chosen:
        if chosen != NATIONAL and not regions.filter(code=chosen).exists():
            return _forbidden(request, _("Kabupaten/kota ini di luar wilayah kewenangan Anda."))
        return redirect("calendar:calendar_year", code=chosen, year=_current_year())
    if not national and len(regions) == 1:
        return redirect("calendar:calendar_year", code=regions[0].code, year=_current_year())
    return render(
        request,
        "web/calendar/index.html",
        {"regions": regions, "national": national, "year": _current_year()},
    )


@login_required
def calendar_year(request, code: str, year: int):
    region = _region_or_national(request, code)
    if not services.FIRST_YEAR <= year <= services.LAST_YEAR:
        raise Http404
    if region is None and not selectors.may_manage_national_calendar(request.user):
        return _forbidden(
            request, _("Hanya Kementerian PANRB yang dapat mengubah kalender nasional.")
        )
    if (
        region is not None
        and not selectors.calendar_regions_for(request.user).filter(code=region.code).exists()
    ):
        return _forbidden(request, _("Kabupaten/kota ini di luar wilayah kewenangan Anda."))
    form = CalendarOverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            override = services.add_override(
                actor=request.user,
                region=region,
                date=form.cleaned_data["date"],
                kind=form.cleaned_data["kind"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except services.CalendarOverrideError as error:
            error.apply_to(form)
            form.describe_fields()
        else:
            messages.success(
                request,
                _("Pengecualian pada %(date)s telah disimpan.")
                % {"date": format_date(override.date)},
            )
            return redirect("calendar:calendar_year", code=code, year=override.date.year)
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "web/calendar/year.html",
        {
            "calendar": selectors.year_calendar(region, year),
            "code": code,
            "form": form,
            "years": range(services.FIRST_YEAR, services.LAST_YEAR + 1),
            "previous_year": year - 1 if year > services.FIRST_YEAR else None,
            "next_year": year + 1 if year < services.LAST_YEAR else None,
        },
        status=status,
    )


@login_required
@require_POST
def remove_override(request, code: str, pk: int):
    region = _region_or_national(request, code)
    override = get_object_or_404(selectors.overrides_for(request.user), pk=pk, region=region)
    try:
        services.remove_override(override, actor=request.user, request=request)
    except services.CalendarOverrideError as error:
        return _forbidden(request, str(error))
    messages.success(
        request,
        _("Pengecualian pada %(date)s telah dihapus.") % {"date": format_date(override.date)},
    )
    return redirect("calendar:calendar_year", code=code, year=override.date.year)
