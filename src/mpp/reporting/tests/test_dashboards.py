"""Dashboards: who reads which, drill-down links stay within what the viewer may see, exports."""

from __future__ import annotations

import csv
import datetime
import io
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.db.models import Q
from django.test import Client
from django.utils import timezone

from mpp.accounts.models import User
from mpp.accounts.tests.helpers import login_staff
from mpp.accounts.tests.test_duties import demo  # noqa: F401 - the demo fixture
from mpp.reporting import facts
from mpp.reporting.facts import FactKey, Unit
from mpp.reporting.facts import applications as app_facts
from mpp.reporting.tests.helpers import services_received_today
from mpp.tenancy.models import MPP

pytestmark = pytest.mark.django_db


def client_for(username: str) -> Client:
    client = Client()
    login_staff(client, User.objects.get(username=username))
    return client


def seed(mpp: MPP, agency_id: int, service_id: int, *, on_time=3, late=1, received=5):
    day = timezone.now().astimezone(datetime.UTC).date()
    unit = Unit(mpp.region_id, mpp.pk, agency_id, service_id)
    facts.bump_many(
        {
            FactKey(day, unit, app_facts.RECEIVED): received,
            FactKey(day, unit, app_facts.received_channel("online")): received,
            FactKey(day, unit, app_facts.DECIDED_METRIC): on_time + late,
            FactKey(day, unit, app_facts.ON_TIME): on_time,
            FactKey(day, unit, app_facts.LATE): late,
            FactKey(day, unit, app_facts.DAYS_SUM): 2 * (on_time + late),
            FactKey(day, unit, app_facts.DAYS_COUNT): on_time + late,
        }
    )


@pytest.fixture
def batam(demo):  # noqa: F811
    application = demo["dukcapil"]
    seed(application.mpp, application.agency_id, application.service_id)
    yogya = demo["yogya"]
    seed(yogya.mpp, yogya.agency_id, yogya.service_id, on_time=1, late=1)
    return application.mpp


def test_the_manager_sees_the_mpp_figures_with_a_link_to_the_late_applications(batam):
    response = client_for("pengelola.batam").get(f"/kelola/dasbor/mpp/{batam.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "75,0%" in html  # 3 of 4 decided on time
    on_time = next(
        c for c in response.context["summary"] if c.indicator.key == "applications.on_time_rate"
    )
    query = parse_qs(urlparse(on_time.url).query)
    assert urlparse(on_time.url).path == "/kelola/permohonan/"
    assert query["decided"] == ["late"] and query["mpp"] == [str(batam.pk)]


def test_the_analyst_reads_figures_but_gets_no_link_to_case_lists(batam):
    response = client_for("analis.kemenpanrb").get(f"/kelola/dasbor/mpp/{batam.pk}/")
    assert response.status_code == 200
    assert all(not c.url for c in response.context["summary"])
    assert "/kelola/permohonan/?" not in response.content.decode()
    assert response.context["overdue"] == [] and response.context["workload"] == []


def test_the_manager_cannot_open_another_mpp_or_the_national_dashboard(batam, demo):  # noqa: F811
    client = client_for("pengelola.batam")
    assert client.get(f"/kelola/dasbor/mpp/{demo['yogya'].mpp_id}/").status_code == 404
    assert client.get("/kelola/dasbor/nasional/").status_code == 403
    assert client.get("/kelola/dasbor/wilayah/3471/").status_code == 404


def test_officers_have_no_dashboard(batam):
    assert client_for("petugas.dukcapil").get("/kelola/dasbor/").status_code == 403


def test_the_national_dashboard_ranks_kab_kota_and_draws_the_map(batam):
    response = client_for("analis.kemenpanrb").get("/kelola/dasbor/nasional/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<svg class="map"' in html and html.count("<path") >= 38
    ranking = response.context["tables"][1]
    ranked = [row.key for row in ranking.rows[:2]]
    assert ranked == ["2171", "3471"]  # 75 % before 50 %


def test_the_national_ranking_is_paged_and_its_export_holds_every_row(batam):
    from mpp.regions.models import Region

    day = timezone.now().astimezone(datetime.UTC).date()
    codes = list(
        Region.objects.exclude(code__in=["2171", "3471"])
        .order_by("code")
        .values_list("code", flat=True)[:30]
    )
    facts.bump_many({FactKey(day, Unit(code), app_facts.RECEIVED): 1 for code in codes})
    client = client_for("analis.kemenpanrb")
    first = client.get("/kelola/dasbor/nasional/")
    assert first.status_code == 200
    ranking = first.context["tables"][1]
    assert len(ranking.rows) == 25 and [r.key for r in ranking.rows[:2]] == ["2171", "3471"]
    next_link = first.context["ranking_page"].next_cursor
    assert f"cursor={next_link}" in first.content.decode()
    second = client.get("/kelola/dasbor/nasional/", {"cursor": next_link})
    rest = [row.key for row in second.context["tables"][1].rows]
    assert len(rest) == 7 and not set(rest) & {row.key for row in ranking.rows}
    assert second.context["ranking_page"].next_cursor is None
    assert client.get("/kelola/dasbor/nasional/", {"cursor": "rusak"}).status_code == 400
    export = client.get("/kelola/dasbor/nasional/ekspor/kabupaten-kota.csv")
    assert len(list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))) == 1 + 32


def test_the_national_figures_are_shared_until_the_facts_change(batam, settings):
    settings.MPP_DASHBOARD_CACHE_SECONDS = 60
    client = client_for("analis.kemenpanrb")

    def received() -> float | None:
        response = client.get("/kelola/dasbor/nasional/")
        cell = next(
            c for c in response.context["summary"] if c.indicator.key == "applications.received"
        )
        return cell.value

    assert received() == 10
    assert received() == 10  # from the cache
    seed(batam, None, None, received=4)
    assert received() == 14


def test_the_national_map_leaves_out_a_kab_kota_with_half_its_coordinates(batam):
    """A capital with a latitude and no longitude (typed in by half) has no place on the map: the
    dashboard draws the others rather than failing."""
    from mpp.regions.models import Region

    Region.objects.filter(code="2171").update(latitude="1.1", longitude=None)
    response = client_for("analis.kemenpanrb").get("/kelola/dasbor/nasional/")
    assert response.status_code == 200
    assert '<svg class="map"' in response.content.decode()


def test_every_table_exports_as_csv_and_xlsx(batam):
    client = client_for("pengelola.batam")
    response = client.get(f"/kelola/dasbor/mpp/{batam.pk}/ekspor/instansi.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Instansi" and len(rows) == 2
    response = client.get(f"/kelola/dasbor/mpp/{batam.pk}/ekspor/layanan.xlsx")
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert client.get(f"/kelola/dasbor/mpp/{batam.pk}/ekspor/rahasia.csv").status_code == 404


def test_open_data_is_public_and_carries_its_licence(batam, client):
    response = client.get(f"/data-terbuka/mpp/{batam.pk}.csv")
    assert response.status_code == 200
    assert "creativecommons.org/licenses/by/4.0" in response["Link"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0]["diterima"] == "5" and rows[0]["persen_tepat_waktu"] == "75.0"
    api = client.get(f"/api/v1/open-data/mpps/{batam.pk}").json()
    assert api["licence"]["name"] == "CC BY 4.0" and api["rows"][0]["tepat_waktu"] == 3
    assert client.get("/api/v1/open-data/mpps/999999").status_code == 404


def test_a_bad_period_is_explained_next_to_the_field(batam):
    response = client_for("pengelola.batam").get(
        f"/kelola/dasbor/mpp/{batam.pk}/?periode=kustom&dari=2026-11-30&sampai=2026-11-01"
    )
    assert response.status_code == 200
    assert "Tanggal akhir tidak boleh sebelum tanggal awal." in response.content.decode()


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("pengelola.batam", "/kelola/dasbor/mpp/{mpp}/?periode=tahun"),
        ("admin.batam", "/kelola/dasbor/wilayah/2171/?periode=kuartal"),
        ("analis.kemenpanrb", "/kelola/dasbor/nasional/?periode=bulan"),
    ],
)
def test_each_dashboard_runs_a_fixed_number_of_queries(batam, username, url, settings):
    """More units and days with facts do not add queries (no query per row)."""
    settings.MPP_DASHBOARD_CACHE_SECONDS = 0  # the national sums read each time, as in the bench
    client = client_for(username)
    url = url.format(mpp=batam.pk)
    _queries(client, url)  # the per-user caches (unread badge, policy reach) warmed first
    before = _queries(client, url)
    for offset in range(1, 6):
        seed(batam, 100_000 + offset, 200_000 + offset)
        other = MPP.objects.exclude(pk=batam.pk).first()
        seed(other, 300_000 + offset, 400_000 + offset)
    after = _queries(client, url)
    assert after == before
    assert after <= 25


def test_the_trend_of_a_month_has_one_bar_per_day(batam):
    from mpp.reporting import selectors
    from mpp.reporting.periods import month_of

    user = User.objects.get(username="pengelola.batam")
    today = timezone.now().astimezone(datetime.UTC).date()
    buckets = selectors.series(
        user, Q(mpp=batam.pk), month_of(today), [app_facts.RECEIVED], monthly=True
    )
    assert len(buckets) == month_of(today).days
    assert [b[2].get(app_facts.RECEIVED, 0) for b in buckets if b[0] == today] == [5]


def test_the_mean_decision_time_of_an_hour_service_is_in_minutes(demo):  # noqa: F811
    application = demo["dukcapil"]
    day = timezone.now().astimezone(datetime.UTC).date()
    unit = Unit(application.mpp.region_id, application.mpp_id, application.agency_id, None)
    facts.bump_many(
        {
            FactKey(day, unit, app_facts.DECIDED_METRIC): 2,
            FactKey(day, unit, app_facts.ON_TIME): 2,
            FactKey(day, unit, app_facts.OFFICE_SECONDS_SUM): 70 * 60,
            FactKey(day, unit, app_facts.OFFICE_SECONDS_COUNT): 2,
        }
    )
    html = client_for("pengelola.batam").get(f"/kelola/dasbor/mpp/{application.mpp_id}/")
    text = html.content.decode()
    assert "35,0 menit" in text
    assert "0,0 hari kerja" not in text


def test_community_figures_reach_the_mpp_and_national_dashboards_and_open_data(batam, client):
    """Issue 28: activities held, attendance and rooms approved are figures like any other."""
    day = timezone.now().astimezone(datetime.UTC).date()
    unit = Unit(batam.region_id, batam.pk, None, None)
    facts.bump_many(
        {
            FactKey(day, unit, "activities.held"): 4,
            FactKey(day, unit, "activities.registrations"): 31,
            FactKey(day, unit, "activities.attended"): 1234,
            FactKey(day, unit, "rooms.bookings_approved"): 2,
            FactKey(day, unit, "rooms.groups_served"): 2,
        }
    )
    html = client_for("pengelola.batam").get(f"/kelola/dasbor/mpp/{batam.pk}/").content.decode()
    assert "Kegiatan diselenggarakan" in html and "Peminjaman ruang disetujui" in html
    national = client_for("analis.kemenpanrb").get("/kelola/dasbor/nasional/").content.decode()
    assert "Peserta kegiatan hadir" in national
    response = client.get(f"/data-terbuka/mpp/{batam.pk}/keterlibatan-warga.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        {
            "bulan": day.strftime("%Y-%m"),
            "kode_kabupaten_kota": batam.region_id,
            "mpp": batam.name,
            "kegiatan_diselenggarakan": "4",
            "pendaftaran_kegiatan": "31",
            "peserta_hadir": "1234",  # never "1.234"
            "peminjaman_ruang_disetujui": "2",
            "kelompok_masyarakat_baru": "2",
        }
    ]
    api = client.get(f"/api/v1/open-data/mpps/{batam.pk}/community").json()
    assert api["rows"][0]["peserta_hadir"] == 1234
    assert client.get("/api/v1/open-data/mpps/999999/community").status_code == 404


@pytest.mark.parametrize("language", ["id", "en"])
def test_numbers_read_as_djangos_localised_formatting_in_both_languages(language):
    """The dashboards format numbers with separators looked up once per table: the text must be
    what Django's own formatting gives, in Indonesian (1.234,5) and in English (1,234.5)."""
    from django.utils import translation
    from django.utils.formats import number_format

    from mpp.reporting.charts import fmt, number_formatter

    values = [0, 7, -7, 999, 1000, 1234567, -1234567, 0.0, -0.04, 0.05, 2.25, 99.95, 99.949]
    values += [12345.678, 1e16, 3.5e-7, 2**40, 75.0, 66.66666666666667]
    with translation.override(language):
        number = number_formatter()
        for value in values:
            for decimals in (0, 1):
                expected = number_format(
                    round(value, decimals), decimal_pos=decimals, force_grouping=True
                )
                assert number(value, decimals) == expected == fmt(value, decimals)
        assert number(None) == "—"
        assert number(1234567) == ("1.234.567" if language == "id" else "1,234,567")


def test_an_agency_row_sums_its_services_and_a_cell_links_only_to_a_list_with_rows(
    batam,
    demo,  # noqa: F811
):
    """The agency table and the service table come from one read: the agency's row holds the
    sum of its services' rows. A cell links to the applications behind it only when it shows a
    number other than zero."""
    from django.utils.html import escape

    from mpp.catalog.models import Service

    first = demo["dukcapil"].service
    other = Service.objects.filter(mpp=batam, agency=first.agency_id).exclude(pk=first.pk).first()
    seed(batam, first.agency_id, other.pk, on_time=1, late=0, received=2)
    response = client_for("pengelola.batam").get(f"/kelola/dasbor/mpp/{batam.pk}/")
    agencies, services = response.context["tables"]

    def received(row) -> float | None:
        return next(c.value for c in row.cells if c.indicator.key == "applications.received")

    agency = next(row for row in agencies.rows if row.key == first.agency_id)
    by_service = {row.key: received(row) for row in services.rows}
    assert received(agency) == 7 == by_service[first.pk] + by_service[other.pk]
    assert by_service == {first.pk: 5, other.pk: 2}
    late = next(c for c in agency.cells if c.indicator.key == "applications.on_time_rate")
    overdue = next(c for c in agency.cells if c.indicator.key == "applications.overdue")
    assert late.value and late.url.startswith("/kelola/permohonan/?")
    assert not overdue.value and overdue.url == ""
    html = response.content.decode()
    assert html.count(f'<a href="{escape(late.url)}">') >= 1


def test_a_province_filter_narrows_the_ranking_not_the_country_or_the_provinces(batam, settings):
    """The national page reads the period once per kab/kota: the country's figures and each
    province's row are its sums, whatever province the ranking is narrowed to."""
    settings.MPP_DASHBOARD_CACHE_SECONDS = 0
    client = client_for("analis.kemenpanrb")

    def received(cells) -> float | None:
        return next(c.value for c in cells if c.indicator.key == "applications.received")

    for province, ranked in (("", ["2171", "3471"]), ("21", ["2171"]), ("34", ["3471"])):
        response = client.get("/kelola/dasbor/nasional/", {"provinsi": province})
        provinces, ranking = response.context["tables"]
        assert received(response.context["summary"]) == 10
        assert {row.key: received(row.cells) for row in provinces.rows}["21"] == 5
        assert {row.key: received(row.cells) for row in provinces.rows}["34"] == 5
        assert [row.key for row in ranking.rows] == ranked


def _received_per_service(table) -> dict:
    return {
        row.key: next(c.value for c in row.cells if c.indicator.key == "applications.received")
        for row in table.rows
    }


@pytest.mark.parametrize(
    ("query", "first", "last"),
    [
        # This year (to 31 December: the days after today have no facts), last year, and a range
        # of one whole year with whole months and edge days around it.
        ({"periode": "tahun"}, (0, 1, 1), (0, 12, 31)),
        ({"periode": "tahun", "tanggal": "{y1}-06-01"}, (-1, 1, 1), (-1, 12, 31)),
        (
            {"periode": "kustom", "dari": "{y2}-12-20", "sampai": "{y0}-01-10"},
            (-2, 12, 20),
            (0, 1, 10),
        ),
        (
            {"periode": "kustom", "dari": "{y2}-12-01", "sampai": "{y0}-02-28"},
            (-2, 12, 1),
            (0, 2, 28),
        ),
    ],
)
def test_the_mpp_tables_of_a_year_are_the_daily_facts_summed_per_service(
    batam,
    demo,  # noqa: F811
    query,
    first,
    last,
):
    """The per-agency and per-service figures of a period holding whole years (read from the
    service years) equal the daily facts of its days summed per service."""
    from django.db import connection
    from django.db.models import Sum
    from django.test.utils import CaptureQueriesContext

    from mpp.catalog.models import Service
    from mpp.reporting.models import DailyFact

    year = timezone.now().astimezone(datetime.UTC).year
    services = list(Service.objects.filter(mpp=batam, agency__isnull=False).order_by("pk")[:3])
    days = [
        datetime.date(year - 2, 11, 30),
        datetime.date(year - 2, 12, 19),
        datetime.date(year - 2, 12, 20),
        datetime.date(year - 1, 1, 1),
        datetime.date(year - 1, 7, 14),
        datetime.date(year - 1, 12, 31),
        datetime.date(year, 1, 10),
        datetime.date(year, 1, 11),
        datetime.date(year, 2, 28),
        datetime.date(year, 3, 1),
    ]
    facts.bump_many(
        {
            FactKey(day, Unit(batam.region_id, batam.pk, service.agency_id, service.pk), metric): (
                n + 1
            )
            * (m + 1)
            for n, day in enumerate(days)
            for m, service in enumerate(services)
            for metric in (app_facts.RECEIVED, app_facts.ON_TIME)
        }
    )
    start, end = (datetime.date(year + y, month, day) for y, month, day in (first, last))
    params = {key: value.format(y0=year, y1=year - 1, y2=year - 2) for key, value in query.items()}
    client = client_for("pengelola.batam")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/kelola/dasbor/mpp/{batam.pk}/", params)
    assert response.status_code == 200
    assert (response.context["period"].start, response.context["period"].end) == (start, end)
    expected = dict(
        DailyFact.objects.filter(mpp=batam.pk, metric=app_facts.RECEIVED, day__range=(start, end))
        .values_list("service")
        .annotate(total=Sum("value"))
        .order_by()
    )
    agencies, by_service = response.context["tables"]
    shown = {key: value for key, value in _received_per_service(by_service).items() if value}
    assert shown == expected and len(expected) == 3
    agency_totals = _received_per_service(agencies)
    for agency in {service.agency_id for service in services}:
        assert agency_totals[agency] == sum(
            expected[s.pk] for s in services if s.agency_id == agency
        )
    # A whole year is read from the per-service years.
    assert any("reporting_serviceyearlyfact" in q["sql"] for q in captured.captured_queries)


def test_the_mpp_service_table_is_paged_and_its_export_holds_every_row(batam, demo):  # noqa: F811
    """Thirty services with applications: the first page shows 25 in the table's order, the
    "next" link leads to the other five (the 26th first); the agency table and the export are
    whole."""
    from mpp.catalog.models import Service

    agency = demo["dukcapil"].agency
    created = services_received_today(batam, agency, 30, "layanan-uji", "Layanan uji")
    client = client_for("pengelola.batam")
    url = f"/kelola/dasbor/mpp/{batam.pk}/"
    first = client.get(url, {"periode": "bulan"})
    assert first.status_code == 200
    agencies, services = first.context["tables"]
    # The table's order: by name (the demo's own service with facts among them: 31 rows).
    order = list(
        Service.objects.filter(pk__in=[*(s.pk for s in created), demo["dukcapil"].service_id])
        .order_by("name", "pk")
        .values_list("name", flat=True)
    )
    assert [row.label for row in services.rows] == order[:25]
    page = first.context["table_page"]
    html = first.content.decode()
    assert 'aria-label="Halaman"' in html
    # The "next" link keeps the period and names the next page.
    link = re.search(r'<a href="\?([^"]+)" rel="next">', html)
    assert link is not None
    params = parse_qs(link.group(1).replace("&amp;", "&"))
    assert params["periode"] == ["bulan"] and params["cursor"] == [page.next_cursor]
    assert agency.pk in {row.key for row in agencies.rows}
    second = client.get(url, {key: values[0] for key, values in params.items()})
    assert [row.label for row in second.context["tables"][1].rows] == order[25:]
    assert f'<th scope="row">{order[25]}' in second.content.decode()
    assert order[25] not in html
    assert second.context["table_page"].next_cursor is None
    assert client.get(url, {"cursor": "rusak"}).status_code == 400
    export = client.get(f"{url}ekspor/layanan.csv", {"periode": "bulan"})
    assert len(list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))) == 1 + 31
