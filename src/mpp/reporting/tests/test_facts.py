"""Daily facts: hooks bump counters, the recompute command agrees with them and finds drift."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from mpp.cases import services
from mpp.cases.tests.factories import (
    VALID_DATA,
    CitizenFactory,
    officer_for,
    pdf_upload,
    service_with,
)
from mpp.reporting import facts
from mpp.reporting import services as reporting_services
from mpp.reporting.facts import FactKey, Unit
from mpp.reporting.facts import applications as app_facts
from mpp.reporting.models import DailyFact

pytestmark = pytest.mark.django_db


def _submitted(service, citizen):
    application = services.start_application(applicant=citizen, service=service)
    services.update_draft(application, actor=citizen, data=VALID_DATA)
    services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload())
    services.submit_application(application, actor=citizen)
    return application


def _total(metric: str) -> int:
    return sum(DailyFact.objects.filter(metric=metric).values_list("value", flat=True))


def run_processes(run):
    """Several applications through submit, claim, reject, approve (hooks run on commit)."""
    service = service_with()
    officer = officer_for(service)
    with run(execute=True):
        a = _submitted(service, CitizenFactory())
        b = _submitted(service, CitizenFactory())
        c = _submitted(service, CitizenFactory())
        services.claim_application(a, actor=officer)
        services.reject_application(a, actor=officer, note="Berkas tidak lengkap")
        services.claim_application(b, actor=officer)
        services.approve_application(b, actor=officer)
    return service, (a, b, c)


def test_hooks_count_received_and_decided_per_service(django_capture_on_commit_callbacks):
    service, _ = run_processes(django_capture_on_commit_callbacks)
    assert _total(app_facts.RECEIVED) == 3
    assert _total(app_facts.received_channel("online")) == 3
    assert _total(app_facts.DECIDED_METRIC) == 2
    assert _total(app_facts.REJECTED) == 1
    assert _total(app_facts.ON_TIME) == 2
    assert _total(app_facts.DAYS_COUNT) == 2
    row = DailyFact.objects.filter(metric=app_facts.RECEIVED).get()
    assert (row.region, row.mpp, row.agency, row.service) == (
        service.mpp.region_id,
        service.mpp_id,
        service.agency_id,
        service.pk,
    )


def test_recompute_after_the_processes_finds_no_difference(django_capture_on_commit_callbacks):
    run_processes(django_capture_on_commit_callbacks)
    reporting_services.snapshot_recent()
    today = timezone.localdate()
    out = StringIO()
    call_command(
        "recompute_facts",
        "--start",
        (today - datetime.timedelta(days=2)).isoformat(),
        "--end",
        (today + datetime.timedelta(days=1)).isoformat(),
        stdout=out,
    )
    assert "no differences" in out.getvalue()


def test_recompute_reports_and_fixes_every_difference(django_capture_on_commit_callbacks):
    run_processes(django_capture_on_commit_callbacks)
    DailyFact.objects.filter(metric=app_facts.RECEIVED).update(value=7)
    DailyFact.objects.filter(metric=app_facts.REJECTED).delete()
    day = timezone.localdate().isoformat()
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("recompute_facts", "--start", day, "--end", day, stdout=out)
    report = out.getvalue()
    assert "applications.received " in report and "stored 7, recomputed 3" in report
    assert "applications.rejected" in report and "stored 0, recomputed 1" in report
    call_command("recompute_facts", "--start", day, "--end", day, "--fix", stdout=StringIO())
    assert _total(app_facts.RECEIVED) == 3 and _total(app_facts.REJECTED) == 1
    out = StringIO()
    call_command("recompute_facts", "--start", day, "--end", day, stdout=out)
    assert "no differences" in out.getvalue()


def test_bump_adds_up_on_the_same_row_with_empty_units():
    day = datetime.date(2026, 11, 27)
    for _ in range(3):
        facts.bump("test.metric", day, Unit(region="2171"), 2)
    facts.bump("test.metric", day, Unit(), 5)
    rows = dict(DailyFact.objects.filter(metric="test.metric").values_list("region", "value"))
    assert rows == {"2171": 6, None: 5}


def test_snapshot_counts_open_and_overdue_at_the_end_of_the_day(
    django_capture_on_commit_callbacks,
):
    run_processes(django_capture_on_commit_callbacks)
    later = timezone.now() + datetime.timedelta(days=30)
    day = timezone.localdate(later)
    values = app_facts.source.snapshot(day, now=later)
    by_metric = {}
    for key, value in values.items():
        by_metric[key.metric] = by_metric.get(key.metric, 0) + value
    # b (approved, not issued) and c (submitted) are still open; both past their deadline.
    assert by_metric == {app_facts.OPEN: 2, app_facts.OVERDUE: 2}


def test_the_registry_refuses_a_metric_owned_by_another_source():
    other = facts.FactSource(
        name="other", label="x", metrics=(facts.Metric(app_facts.RECEIVED, "x"),)
    )
    with pytest.raises(ValueError):
        facts.registry.register(other)


def test_a_bad_date_is_a_clear_error():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a date"):
        call_command("recompute_facts", "--start", "kemarin", "--end", "2026-11-01")


def test_fact_key_is_hashable_and_orderable():
    key = FactKey(datetime.date(2026, 1, 1), Unit("2171", 1, 2, 3), "m")
    assert {key: 1}[FactKey(datetime.date(2026, 1, 1), Unit("2171", 1, 2, 3), "m")] == 1


def test_monthly_sums_follow_every_write(django_capture_on_commit_callbacks):
    from django.db.models import Sum

    from mpp.reporting.models import MonthlyFact

    run_processes(django_capture_on_commit_callbacks)

    def by_metric(model):
        return dict(
            model.objects.exclude(metric__in=[app_facts.OPEN, app_facts.OVERDUE])
            .values_list("metric")
            .annotate(total=Sum("value"))
        )

    assert by_metric(MonthlyFact) == by_metric(DailyFact)
    DailyFact.objects.filter(metric=app_facts.RECEIVED).update(value=9)
    day = timezone.localdate()
    call_command(
        "recompute_facts",
        "--start",
        day.isoformat(),
        "--end",
        day.isoformat(),
        "--fix",
        stdout=StringIO(),
    )
    assert by_metric(MonthlyFact) == by_metric(DailyFact)
    assert by_metric(MonthlyFact)[app_facts.RECEIVED] == 3


def test_mpp_day_sums_follow_every_write(django_capture_on_commit_callbacks):
    from django.db.models import Sum

    from mpp.reporting.models import MppDailyFact

    run_processes(django_capture_on_commit_callbacks)

    def by_key(model):
        return {
            (r["day"], r["region"], r["mpp"], r["metric"]): r["total"]
            for r in model.objects.values("day", "region", "mpp", "metric")
            .annotate(total=Sum("value"))
            .order_by()
            if r["total"]
        }

    daily = by_key(DailyFact)
    assert daily and by_key(MppDailyFact) == daily
    # A repair of the daily facts repairs the MPP's day sums with them.
    DailyFact.objects.filter(metric=app_facts.RECEIVED).update(value=9)
    MppDailyFact.objects.filter(metric=app_facts.RECEIVED).update(value=9)
    day = timezone.localdate()
    call_command(
        "recompute_facts",
        "--start",
        day.isoformat(),
        "--end",
        day.isoformat(),
        "--fix",
        stdout=StringIO(),
    )
    assert by_key(MppDailyFact) == by_key(DailyFact) == daily


def test_a_period_splits_into_whole_months_and_edge_days():
    from mpp.reporting.periods import Period, quarter_of
    from mpp.reporting.selectors import split_months

    months, edges = split_months(quarter_of(datetime.date(2026, 11, 5)))
    assert months == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 1)) and edges == []
    months, edges = split_months(
        Period("kustom", datetime.date(2026, 1, 20), datetime.date(2026, 4, 3))
    )
    assert months == (datetime.date(2026, 2, 1), datetime.date(2026, 3, 1))
    assert edges == [
        (datetime.date(2026, 1, 20), datetime.date(2026, 1, 31)),
        (datetime.date(2026, 4, 1), datetime.date(2026, 4, 3)),
    ]
    months, edges = split_months(
        Period("minggu", datetime.date(2026, 3, 30), datetime.date(2026, 4, 5))
    )
    assert months is None and len(edges) == 1


def test_a_long_period_splits_into_whole_years_and_months():
    from mpp.reporting.selectors import split_years

    d = datetime.date
    assert split_years((d(2025, 1, 1), d(2025, 12, 1))) == ((d(2025, 1, 1), d(2025, 1, 1)), [])
    assert split_years((d(2024, 11, 1), d(2026, 2, 1))) == (
        (d(2025, 1, 1), d(2025, 1, 1)),
        [(d(2024, 11, 1), d(2024, 12, 1)), (d(2026, 1, 1), d(2026, 2, 1))],
    )
    assert split_years((d(2026, 10, 1), d(2026, 12, 1))) == (
        None,
        [(d(2026, 10, 1), d(2026, 12, 1))],
    )


def _sums_by(model, *fields):
    from django.db.models import Sum

    return {
        tuple(r[f] for f in (*fields, "metric")): r["total"]
        for r in model.objects.exclude(metric__in=[app_facts.OPEN, app_facts.OVERDUE])
        .values(*fields, "metric")
        .annotate(total=Sum("value"))
        .order_by()
        if r["total"]
    }


def _service_periods_from_days(trunc):
    """The daily facts (counted metrics) summed per period of ``trunc`` and service."""
    from django.db.models import Sum

    return {
        (r["m"], r["region"], r["mpp"], r["agency"], r["service"], r["metric"]): r["total"]
        for r in DailyFact.objects.exclude(metric__in=[app_facts.OPEN, app_facts.OVERDUE])
        .annotate(m=trunc("day"))
        .values("m", "region", "mpp", "agency", "service", "metric")
        .annotate(total=Sum("value"))
        .order_by()
        if r["total"]
    }


def test_service_months_and_years_follow_every_write(django_capture_on_commit_callbacks):
    """The incremental sums per service and month, per service and year and per MPP and year
    equal their recomputation from the daily facts after real processes, and a repair of the
    facts repairs them."""
    from django.db.models.functions import TruncMonth, TruncYear

    from mpp.reporting.models import (
        MonthlyFact,
        ServiceMonthlyFact,
        ServiceYearlyFact,
        YearlyFact,
    )

    service_unit = ("region", "mpp", "agency", "service")

    run_processes(django_capture_on_commit_callbacks)

    def years_from_months():
        from django.db.models import Sum

        return {
            (r["y"], r["mpp"], r["metric"]): r["total"]
            for r in MonthlyFact.objects.annotate(y=TruncYear("month"))
            .values("y", "mpp", "metric")
            .annotate(total=Sum("value"))
            .order_by()
        }

    by_service = _service_periods_from_days(TruncMonth)
    by_service_year = _service_periods_from_days(TruncYear)
    assert by_service and _sums_by(ServiceMonthlyFact, "month", *service_unit) == by_service
    assert by_service_year and _sums_by(ServiceYearlyFact, "year", *service_unit) == by_service_year
    assert _sums_by(YearlyFact, "year", "mpp") == years_from_months()
    assert _sums_by(YearlyFact) == _sums_by(DailyFact) == _sums_by(ServiceYearlyFact)

    DailyFact.objects.filter(metric=app_facts.RECEIVED).update(value=9)
    ServiceMonthlyFact.objects.filter(metric=app_facts.RECEIVED).update(value=9)
    ServiceYearlyFact.objects.filter(metric=app_facts.RECEIVED).update(value=9)
    YearlyFact.objects.filter(metric=app_facts.RECEIVED).delete()
    day = timezone.localdate().isoformat()
    call_command("recompute_facts", "--start", day, "--end", day, "--fix", stdout=StringIO())
    assert by_service == _sums_by(ServiceMonthlyFact, "month", *service_unit)
    assert by_service_year == _sums_by(ServiceYearlyFact, "year", *service_unit)
    assert _sums_by(YearlyFact, "year", "mpp") == years_from_months()
    assert _sums_by(YearlyFact)[(app_facts.RECEIVED,)] == 3


def test_an_hour_service_averages_its_office_minutes_not_zero_working_days(
    django_capture_on_commit_callbacks,
):
    """A 1-hour service decided 35 office minutes after submission: the mean is 35 minutes
    (managers read "0,0 hari kerja" before)."""
    import zoneinfo

    service = service_with(time_limit=1, time_limit_unit="hours")
    officer = officer_for(service)
    with django_capture_on_commit_callbacks(execute=True):
        application = _submitted(service, CitizenFactory())
        services.claim_application(application, actor=officer)
        services.approve_application(application, actor=officer)
    wib = zoneinfo.ZoneInfo("Asia/Jakarta")
    application.submitted_at = datetime.datetime(2026, 11, 23, 9, 0, tzinfo=wib)  # a Monday
    application.decided_at = datetime.datetime(2026, 11, 23, 9, 35, tzinfo=wib)
    application.due_at = datetime.datetime(2026, 11, 23, 10, 0, tzinfo=wib)
    application.save()
    computed = app_facts.decision_facts(application)
    by_metric = {key.metric: value for key, value in computed.items()}
    assert by_metric[app_facts.OFFICE_SECONDS_SUM] == 35 * 60
    assert by_metric[app_facts.OFFICE_SECONDS_COUNT] == 1
    assert app_facts.DAYS_COUNT not in by_metric
    # The hook counted the same application in the hour unit as well.
    assert _total(app_facts.OFFICE_SECONDS_COUNT) == 1 and _total(app_facts.DAYS_COUNT) == 0
    indicator = next(i for i in app_facts.INDICATORS if i.key == "applications.decision_minutes")
    assert indicator.value(by_metric) == 35.0


def test_the_recompute_of_hour_services_reads_each_calendar_once(
    django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    """Recomputing hour-service decisions loads the region's calendar once, not once per
    application (a national recompute read the overrides a million times), and gives the same
    office time as each application counted on its own, across a night and a weekend."""
    import zoneinfo

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    service = service_with(time_limit=4, time_limit_unit="hours")
    officer = officer_for(service)
    wib = zoneinfo.ZoneInfo("Asia/Jakarta")
    spans = [
        ((2026, 11, 23, 9, 0), (2026, 11, 23, 9, 35)),  # Monday morning
        ((2026, 11, 23, 15, 0), (2026, 11, 24, 9, 30)),  # over a night
        ((2026, 11, 20, 14, 0), (2026, 11, 23, 10, 0)),  # Friday to Monday
        ((2026, 11, 25, 8, 0), (2026, 11, 26, 11, 0)),
    ]

    def decided(count):
        with django_capture_on_commit_callbacks(execute=True):
            made = []
            for _ in range(count):
                application = _submitted(service, CitizenFactory())
                services.claim_application(application, actor=officer)
                services.approve_application(application, actor=officer)
                made.append(application)
        for application, (begin, end) in zip(made, spans, strict=False):
            application.submitted_at = datetime.datetime(*begin, tzinfo=wib)
            application.decided_at = datetime.datetime(*end, tzinfo=wib)
            application.save(update_fields=["submitted_at", "decided_at"])
        return made

    def recompute():
        with CaptureQueriesContext(connection) as queries:
            values = app_facts.source.recompute(
                datetime.date(2026, 11, 1), datetime.date(2026, 11, 30)
            )
        seconds = sum(v for k, v in values.items() if k.metric == app_facts.OFFICE_SECONDS_SUM)
        return seconds, len(queries)

    first = decided(1)
    _, one = recompute()
    made = first + decided(3)
    seconds, four = recompute()
    assert four == one  # the same reads for four applications as for one
    alone = sum(
        app_facts.decision_facts(application)[
            FactKey(
                application.decided_at.astimezone(wib).date(),
                app_facts._unit(application),
                app_facts.OFFICE_SECONDS_SUM,
            )
        ]
        for application in made
    )
    assert seconds == alone > 35 * 60
