"""Dashboards (MPP, regional, national), their exports, and the public open data set.

Thin views: every number comes from :mod:`mpp.reporting.selectors`; pages are built by the
``*_context`` functions, which the exports reuse so that a download holds exactly the table shown.
Dashboard and export bodies read through the replica router (:func:`routers.on_replica`: on the primary when the replica fails).
"""

from __future__ import annotations

import datetime
import functools
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from mpp.accounts.policy import Perm, can, has_any
from mpp.paging.keyset import BadCursor, sequence_page
from mpp.regions.localtime import NATIONAL_ZONE
from mpp.reporting import charts, exports, opendata, selectors
from mpp.reporting.facts import Unit
from mpp.reporting.facts import assistance as assistance_facts
from mpp.reporting.periods import day_of, period_from
from mpp.reporting.routers import on_replica


def _staff_statistics(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not has_any(request.user, Perm.VIEW_STATISTICS):
            raise PermissionDenied
        return on_replica(lambda: view(request, *args, **kwargs))

    return login_required(wrapper)


def _today(zone: str | ZoneInfo) -> datetime.date:
    return timezone.now().astimezone(ZoneInfo(str(zone))).date()


def _query(period, **extra) -> str:
    return urlencode({**period.params(), **extra})


def _period_label(period) -> str:
    if period.start == period.end:
        return date_format(period.start, "j F Y")
    return f"{date_format(period.start, 'j F Y')} – {date_format(period.end, 'j F Y')}"


def _indicator_chart(table, key, title, previous_by_key=None, *, previous_label=""):
    """A bar chart of one indicator across the rows of ``table`` (with the previous period)."""
    index = next((n for n, i in enumerate(table.columns) if i.key == key), None)
    if index is None or not table.rows:
        return ""
    indicator = table.columns[index]
    decimals = 0 if indicator.kind == "count" else 1
    rows = []
    for row in table.rows[:20]:
        before = None
        if previous_by_key is not None:
            before = indicator.value(previous_by_key.get(row.key, {}))
        rows.append(charts.BarRow(row.label, row.cells[index].value, before))
    description = _(
        "%(indicator)s per baris tabel %(table)s; angka yang sama ada di tabel data di bawahnya."
    ) % {"indicator": indicator.label, "table": table.caption}
    return charts.bar_chart(
        title,
        description,
        rows,
        unit=str(indicator.unit_label) if indicator.unit_label == "%" else "",
        decimals=decimals,
        previous_label=previous_label,
    )


def _trend(user, where, period, title):
    from mpp.reporting.facts.applications import RECEIVED

    buckets = selectors.series(user, where, period, [RECEIVED], monthly=True)
    labels = [date_format(start, "j M") for start, _end, _v in buckets]
    values = [float(v.get(RECEIVED, 0)) for _s, _e, v in buckets]
    description = _("Permohonan diterima per %(bucket)s dalam periode %(period)s.") % {
        "bucket": _("hari")
        if period.days <= 62
        else (_("minggu") if period.days <= 190 else _("bulan")),
        "period": _period_label(period),
    }
    rows = [(label, int(value)) for label, value in zip(labels, values, strict=True)]
    return charts.column_chart(title, description, labels, values), rows


def _unit_context(user, where: Q, unit: Unit, today: datetime.date, form, period) -> dict:
    """What an MPP's and a kab/kota's dashboard show alike: the period against the one before,
    today's headline figures, the summary (with its export table) and the trend of applications."""
    previous = period.previous()
    shown = selectors.indicator_metrics()
    # Every metric of the period (the MPP page's assistance table reads its own); the indicators'
    # metrics alone for the period before and for today.
    now_totals = selectors.totals(user, where, period, today, monthly=True)
    before_totals = selectors.totals(user, where, previous, today, monthly=True, metrics=shown)
    today_period = day_of(today)
    today_totals = selectors.totals(user, where, today_period, today, metrics=shown)
    summary = selectors.cells(user, now_totals, period, unit, before_totals)
    trend, trend_rows = _trend(user, where, period, _("Permohonan diterima"))
    return {
        "form": form,
        "period": period,
        "period_label": _period_label(period),
        "previous_label": _period_label(previous),
        "today_label": _period_label(today_period),
        "today_cells": selectors.cells(user, today_totals, today_period, unit, headline_only=True),
        "summary": summary,
        "summary_table": exports.summary_table(summary, period, previous),
        "trend": trend,
        "trend_rows": trend_rows,
        "period_totals": now_totals,
    }


# --- Index ------------------------------------------------------------------------------------


@_staff_statistics
def index(request):
    user = request.user
    if selectors.may_view_national(user):
        return redirect("reporting:national")
    mpps = list(selectors.mpps_visible(user))
    regions = list(selectors.regions_visible(user))
    if len(mpps) == 1 and not regions:
        return redirect("reporting:mpp", pk=mpps[0].pk)
    return render(request, "reporting/index.html", {"mpps": mpps, "regions": regions})


# --- Pages of long tables ---------------------------------------------------------------------

# Rows of a paged table per page: the national ranking of kab/kota and an MPP's per-service
# table (their exports hold every row).
TABLE_PAGE_SIZE = 25


def _table_page(request, order: list, labels: dict):
    """The page of the keys ``order`` named by the request's ``cursor`` (the one pager; a cursor
    that does not decode is a 400), and the labels of its rows in that order."""
    try:
        page = sequence_page(
            list(enumerate(order)),
            key=lambda row: (row[0],),
            cursor=request.GET.get("cursor"),
            size=TABLE_PAGE_SIZE,
        )
    except BadCursor:
        raise BadRequest("bad cursor") from None
    return page, {key: labels[key] for _place, key in page.rows}


# --- MPP --------------------------------------------------------------------------------------


def mpp_context(request, pk: int, *, whole: bool = False) -> dict:
    """An MPP's dashboard; its per-service table one page at a time unless ``whole`` (the
    exports). The agency table is whole (an MPP has tens of agencies)."""
    user = request.user
    mpp = selectors.mpp_for(user, pk)
    today = _today(mpp.region.timezone)
    form, period = period_from(request.GET, today)
    previous = period.previous()
    where = Q(mpp=mpp.pk)
    shown = selectors.indicator_metrics()
    by_agency, by_service = selectors.agency_and_service_breakdown(
        user, where, period, today, metrics=shown
    )
    by_agency_before = selectors.breakdown(user, where, previous, today, "agency", metrics=shown)
    agencies = selectors.agency_names(set(by_agency) | set(by_agency_before))
    services = selectors.service_names(Q(mpp=mpp.pk) & Q(pk__in=list(by_service)))
    service_page = None
    if not whole:
        service_page, services = _table_page(request, list(services), services)
    agency_table = selectors.table(
        user,
        "instansi",
        _("Per instansi"),
        _("Instansi"),
        by_agency,
        agencies,
        period,
        lambda key: Unit(mpp.region_id, mpp.pk, key),
    )
    service_table = selectors.table(
        user,
        "layanan",
        _("Per layanan"),
        _("Layanan"),
        by_service,
        services,
        period,
        lambda key: Unit(mpp.region_id, mpp.pk, None, key),
    )
    now = timezone.now()
    unit_context = _unit_context(user, where, Unit(mpp.region_id, mpp.pk), today, form, period)
    return {
        "level": "mpp",
        "mpp": mpp,
        "title": mpp.name,
        **unit_context,
        "tables": [agency_table, service_table],
        "paged_table": service_table.name,
        "table_page": service_page,
        "chart": _indicator_chart(
            agency_table,
            "applications.on_time_rate",
            _("Persentase tepat waktu per instansi"),
            by_agency_before,
            previous_label=_period_label(previous),
        ),
        "assistance": assistance_facts.by_kind(unit_context["period_totals"]),
        "overdue": selectors.overdue_list(user, mpp, now),
        "workload": selectors.officer_workload(user, mpp, now),
        "period_query": _query(period),
        "may_view_region": can(user, Perm.VIEW_STATISTICS, mpp.region),
        "export_base": reverse("reporting:mpp", kwargs={"pk": mpp.pk}) + "ekspor/",
    }


@_staff_statistics
def mpp_dashboard(request, pk):
    return render(request, "reporting/dashboard.html", mpp_context(request, pk))


# --- Region -----------------------------------------------------------------------------------


def region_context(request, code: str) -> dict:
    user = request.user
    region = selectors.region_for(user, code)
    today = _today(region.timezone)
    form, period = period_from(request.GET, today)
    previous = period.previous()
    where = Q(region=region.code)
    shown = selectors.indicator_metrics()
    by_mpp = selectors.breakdown(user, where, period, today, "mpp", monthly=True, metrics=shown)
    by_mpp_before = selectors.breakdown(
        user, where, previous, today, "mpp", monthly=True, metrics=shown
    )
    mpps = selectors.mpp_names(Q(region_id=region.code))
    query = _query(period)
    mpp_table = selectors.table(
        user,
        "mpp",
        _("MPP berdampingan"),
        _("MPP"),
        by_mpp,
        mpps,
        period,
        lambda key: Unit(region.code, key),
        url_of=lambda key: reverse("reporting:mpp", kwargs={"pk": key}) + "?" + query,
    )
    return {
        "level": "region",
        "region": region,
        "title": region.name,
        **_unit_context(user, where, Unit(region.code), today, form, period),
        "tables": [mpp_table],
        "chart": _indicator_chart(
            mpp_table,
            "applications.on_time_rate",
            _("Persentase tepat waktu per MPP"),
            by_mpp_before,
            previous_label=_period_label(previous),
        ),
        "national": selectors.may_view_national(user),
        "period_query": query,
        "export_base": reverse("reporting:region", kwargs={"code": region.code}) + "ekspor/",
    }


@_staff_statistics
def region_dashboard(request, code):
    return render(request, "reporting/dashboard.html", region_context(request, code))


# --- National ---------------------------------------------------------------------------------


def national_context(request, *, whole: bool = False) -> dict:
    """The national dashboard; the ranking of kab/kota one page at a time unless ``whole`` (the
    exports)."""
    user = request.user
    if not selectors.may_view_national(user):
        raise PermissionDenied
    today = _today(NATIONAL_ZONE)
    form, period = period_from(request.GET, today)
    previous = period.previous()
    indicators = selectors.indicators()
    chosen = selectors.indicator_choice(request.GET.get("indikator"), indicators)
    province = request.GET.get("provinsi", "")
    provinces = selectors.province_names()
    if province and province not in provinces:
        province = ""
    figures = selectors.national_figures(user, period, today, province)
    now_totals, before_totals = figures.now, figures.before
    by_province, by_region = figures.by_province, figures.by_region
    regions = selectors.regions_for_map()
    # Kab/kota without any fact in the period are left out of the ranking (and of its export).
    region_labels = {
        code: name
        for code, (name, *_rest) in regions.items()
        if code in by_region and (not province or code[:2] == province)
    }
    ranking_page = None
    if not whole:
        order = selectors.ranked(by_region, region_labels, chosen)
        ranking_page, region_labels = _table_page(request, order, region_labels)
    query = _query(period, indikator=chosen.key)
    national_url = reverse("reporting:national")

    def province_ranking(code: str) -> str:
        """The ranking of a province's kab/kota (its row in the table, its shape on the map)."""
        return f"{national_url}?{_query(period, indikator=chosen.key, provinsi=code)}#peringkat"

    region_table = selectors.table(
        user,
        "kabupaten-kota",
        _("Peringkat kabupaten/kota"),
        _("Kabupaten/kota"),
        by_region,
        region_labels,
        period,
        lambda key: Unit(key),
        url_of=lambda key: reverse("reporting:region", kwargs={"code": key}) + "?" + _query(period),
        sort_by=chosen.key,
    )
    province_table = selectors.table(
        user,
        "provinsi",
        _("Per provinsi"),
        _("Provinsi"),
        by_province,
        provinces,
        period,
        lambda key: Unit(),
        url_of=province_ranking,
        sort_by=chosen.key,
    )
    province_values = {code: chosen.value(values) for code, values in by_province.items()}
    region_values = {code: chosen.value(values) for code, values in by_region.items()}
    scale = charts.classes([v for v in province_values.values() if v is not None])
    decimals = 0 if chosen.kind == "count" else 1
    unit_label = str(chosen.unit_label) if chosen.unit_label == "%" else ""
    points = [
        (code, lat, lon, region_values.get(code))
        for code, (_name, lat, lon) in regions.items()
        if lat is not None and lon is not None and (not province or code[:2] == province)
    ]
    summary = selectors.cells(user, now_totals, period, Unit(), before_totals)
    the_map = charts.indonesia_map(
        _("Peta Indonesia: %(indicator)s per provinsi") % {"indicator": chosen.label},
        _(
            "Warna provinsi makin gelap makin tinggi nilainya (%(period)s); arsiran berarti belum ada "
            "data. Titik menandai ibu kota kabupaten/kota. Angka lengkap ada di tabel per provinsi "
            "dan peringkat kabupaten/kota."
        )
        % {"period": _period_label(period)},
        province_values,
        provinces,
        points,
        scale,
        province_ranking,
        decimals=decimals,
        unit=unit_label,
    )
    return {
        "level": "national",
        "title": _("Nasional"),
        "form": form,
        "period": period,
        "period_label": _period_label(period),
        "previous_label": _period_label(previous),
        "summary": summary,
        "summary_table": exports.summary_table(summary, period, previous),
        "tables": [province_table, region_table],
        "indicators": indicators,
        "chosen": chosen,
        "province": province,
        "province_name": provinces.get(province, ""),
        "map": the_map,
        "ranking_page": ranking_page,
        "ranking_query": _query(
            period, indikator=chosen.key, **({"provinsi": province} if province else {})
        ),
        "scale": scale,
        "scale_decimals": decimals,
        "scale_unit": unit_label,
        "period_query": query,
        "export_base": reverse("reporting:national") + "ekspor/",
        "export_query": urlencode(
            {
                **period.params(),
                "indikator": chosen.key,
                **({"provinsi": province} if province else {}),
            }
        ),
    }


@_staff_statistics
def national_dashboard(request):
    return render(request, "reporting/national.html", national_context(request))


# --- Exports ----------------------------------------------------------------------------------


def _export(context: dict, table: str, fmt: str):
    tables = {t.name: t for t in [context["summary_table"], *context["tables"]]}
    if table not in tables or fmt not in ("csv", "xlsx"):
        raise Http404
    name = f"{context['level']}-{table}-{context['period'].start}-{context['period'].end}"
    return exports.response(tables[table], fmt, name)


@_staff_statistics
def mpp_export(request, pk, table, fmt):
    return _export(mpp_context(request, pk, whole=True), table, fmt)


@_staff_statistics
def region_export(request, code, table, fmt):
    return _export(region_context(request, code), table, fmt)


@_staff_statistics
def national_export(request, table, fmt):
    return _export(national_context(request, whole=True), table, fmt)


# --- Open data (public, anonymous) ------------------------------------------------------------


def open_data(request):
    return render(
        request,
        "reporting/open_data.html",
        {"mpps": opendata.published_mpps(), "licence": opendata.LICENCE},
    )


def open_data_csv(request, pk):
    return opendata.csv_response(opendata.mpp_or_404(pk))


def open_data_community_csv(request, pk):
    return opendata.community_csv_response(opendata.mpp_or_404(pk))
