"""U7 per officer from the per-officer day sums (``OfficerDaySum``), kept with each response.

The figures are checked against the grouped count over the answers that the page used to run
(``_reference``, kept here as the yardstick): same officers, order, respondents and NRR.
"""

from __future__ import annotations

import datetime
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Count, Sum
from django.utils import timezone

from mpp.accounts.models import ROLE_SCOPE_FIELDS, Role, RoleGrant
from mpp.accounts.policy import PERMISSION_ROLES, Perm
from mpp.accounts.tests.helpers import login_staff
from mpp.cases.tests.factories import CitizenFactory, StaffFactory, officer_for
from mpp.catalog.tests.factories import AgencyPresenceFactory, PublishedServiceFactory
from mpp.devices.tests.factories import register_skm_kiosk
from mpp.notifications.models import Notification
from mpp.surveys import recompute, selectors
from mpp.surveys.elements import OFFICER_ELEMENT
from mpp.surveys.models import Answer, Invitation, OfficerDaySum
from mpp.surveys.units import OFFICER_UNIT_KINDS, Unit, parse_unit

from .factories import answers, interval_passed, rejected
from .test_api import bearer, manager_of

TODAY = timezone.localdate()
START, END = TODAY - datetime.timedelta(days=2), TODAY + datetime.timedelta(days=2)


def _reference(unit: Unit) -> list[tuple[int, str, int, Fraction]]:
    """The per-officer query the page ran before the day sums: the U7 answers of the unit's
    counted responses that name an officer, grouped by officer, by name."""
    rows = (
        Answer.objects.filter(
            response__in=selectors.responses_of(unit, START, END).filter(officer__isnull=False),
            element=OFFICER_ELEMENT,
        )
        .values("response__officer_id", "response__officer__name")
        .annotate(total=Sum("value"), count=Count("id"))
        .order_by("response__officer__name", "response__officer_id")
    )
    return [
        (
            row["response__officer_id"],
            row["response__officer__name"],
            row["count"],
            Fraction(row["total"], row["count"]),
        )
        for row in rows
    ]


def _shown(reader, unit: Unit) -> list[tuple[int, str, int, Fraction]]:
    rows = selectors.officers_of(reader, unit, START, END)
    assert rows is not None, unit
    return [(row.officer_id, row.name, row.respondents, row.nrr) for row in rows]


def _link_token(citizen) -> str:
    link = Notification.objects.get(kind="survey.invited", recipient=citizen).link
    return link.removeprefix("/skm/isi/").strip("/")


def _answered_survey(client, capture):
    """Two agencies at one MPP; three officers; answers by the one-time link, the mobile app and a
    kiosk (no officer), through the real routes. Returns the services, officers and a reader who
    may open every per-officer page of them."""
    first = PublishedServiceFactory(published__time_limit=3)
    second = PublishedServiceFactory(
        published__time_limit=3, presence=AgencyPresenceFactory(mpp=first.mpp)
    )
    ani = officer_for(first, name="Ani Lestari")
    budi = officer_for(first, name="Budi Santoso")
    citra = officer_for(second, name="Citra Dewi")
    served = [
        (first, ani, "link", 4),
        (first, ani, "app", 2),
        (first, budi, "link", 3),
        (second, citra, "link", 1),
        (second, citra, "app", 4),
        (first, budi, None, None),  # invited, never answered
    ]
    for service, officer, channel, u7 in served:
        citizen = CitizenFactory()
        with capture(execute=True):
            rejected(service, citizen, officer)
        if channel == "link":
            page = client.post(f"/skm/isi/{_link_token(citizen)}/", answers(U7=u7))
            assert page.status_code == 200 and "Terima kasih" in page.text
        elif channel == "app":
            invitation = Invitation.objects.get(citizen=citizen)
            sent = client.post(
                "/api/v1/skm/responses",
                {"invitation": invitation.pk, "answers": answers(U7=u7)},
                content_type="application/json",
                headers=bearer(citizen),
            )
            assert sent.status_code == 201, sent.json()
    device, raw = register_skm_kiosk(mpp=first.mpp, service=first, name="Tablet", actor=None)
    for _ in range(2):
        sent = client.post(
            "/api/v1/skm/responses",
            {"answers": answers(U7=1)},
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw}"},
        )
        assert sent.status_code == 201
        interval_passed(device)
    reader = manager_of(first.mpp)
    for service in (first, second):
        RoleGrant.objects.create(user=reader, role=Role.AGENCY_ADMIN, agency=service.agency)
    return {
        "first": first,
        "second": second,
        "ani": ani,
        "budi": budi,
        "citra": citra,
        "reader": reader,
    }


def _units(first, second) -> list[Unit]:
    keys = [f"mpp:{first.mpp_id}"]
    for service in (first, second):
        keys += [
            f"agency:{service.agency_id}",
            f"agency:{service.agency_id}@{service.mpp_id}",
            f"service:{service.pk}",
        ]
    return [parse_unit(key) for key in keys]


@pytest.mark.django_db
def test_the_sums_follow_each_answer_and_match_the_grouped_answers(
    client, django_capture_on_commit_callbacks
):
    made = _answered_survey(client, django_capture_on_commit_callbacks)
    first, second, reader = made["first"], made["second"], made["reader"]
    ani, budi, citra = made["ani"], made["budi"], made["citra"]
    for unit in _units(first, second):
        assert _shown(reader, unit) == _reference(unit), unit
    # What a manager reads for the MPP: kiosk answers name no officer and count for nobody.
    assert _shown(reader, parse_unit(f"mpp:{first.mpp_id}")) == [
        (ani.pk, "Ani Lestari", 2, Fraction(3)),
        (budi.pk, "Budi Santoso", 1, Fraction(3)),
        (citra.pk, "Citra Dewi", 2, Fraction(5, 2)),
    ]
    assert _shown(reader, parse_unit(f"service:{second.pk}")) == [
        (citra.pk, "Citra Dewi", 2, Fraction(5, 2))
    ]
    # Only the units a per-officer page can be opened for keep per-officer sums.
    assert {row.split(":")[0] for row in OfficerDaySum.objects.values_list("unit", flat=True)} == {
        "mpp",
        "agency",
        "presence",
        "service",
    }
    assert recompute.compare(START, END) == []


@pytest.mark.django_db
def test_recompute_reports_a_tampered_officer_sum_and_repairs_it(
    client, django_capture_on_commit_callbacks, capsys
):
    made = _answered_survey(client, django_capture_on_commit_callbacks)
    first, reader, ani, citra = made["first"], made["reader"], made["ani"], made["citra"]
    mpp = parse_unit(f"mpp:{first.mpp_id}")
    OfficerDaySum.objects.filter(unit=mpp.key, officer=ani).update(total=99)
    OfficerDaySum.objects.filter(unit=f"service:{made['second'].pk}", officer=citra).delete()
    assert _shown(reader, mpp)[0] == (ani.pk, "Ani Lestari", 2, Fraction(99, 2))
    call_command("recompute_skm_sums")
    out = capsys.readouterr().out
    assert f"{mpp.key} U7 officer {ani.pk}: kept total/count 99/2, recomputed 6/2" in out
    assert f"service:{made['second'].pk} U7 officer {citra.pk}: kept total/count 0/0" in out
    assert "2 difference(s) found." in out
    call_command("recompute_skm_sums", "--fix")
    assert recompute.compare(START, END) == []
    for unit in _units(first, made["second"]):
        assert _shown(reader, unit) == _reference(unit), unit


@pytest.mark.django_db
def test_the_page_shows_each_officer_with_respondents_and_nrr(
    client, django_capture_on_commit_callbacks
):
    made = _answered_survey(client, django_capture_on_commit_callbacks)
    first = made["first"]
    login_staff(client, manager_of(first.mpp))
    page = client.get(
        "/kelola/skm/petugas/",
        {"unit": f"mpp:{first.mpp_id}", "start": START.isoformat(), "end": END.isoformat()},
    )
    assert page.status_code == 200
    rows = page.text.split("<tbody>")[1].split("</tbody>")[0]
    assert rows == (
        '<tr><th scope="row">Ani Lestari</th><td>2</td><td>3,00</td></tr>'
        '<tr><th scope="row">Budi Santoso</th><td>1</td><td>3,00</td></tr>'
        '<tr><th scope="row">Citra Dewi</th><td>2</td><td>2,50</td></tr>'
    )


def test_no_officer_page_reader_can_open_a_region_or_the_nation():
    """The per-officer sums leave out the nation and the kab/kota: every role holding
    ``VIEW_OFFICER_SKM`` is granted on an MPP or an agency, which those units' scopes lack."""
    assert {"national", "region"}.isdisjoint(OFFICER_UNIT_KINDS)
    for role in PERMISSION_ROLES[Perm.VIEW_OFFICER_SKM]:
        assert ROLE_SCOPE_FIELDS[role] & {"mpp", "agency"}, role


@pytest.mark.django_db
def test_a_deleted_officer_leaves_the_page_as_the_answers_do(
    client, django_capture_on_commit_callbacks
):
    made = _answered_survey(client, django_capture_on_commit_callbacks)
    mpp = parse_unit(f"mpp:{made['first'].mpp_id}")
    made["budi"].delete()  # the responses keep no officer (SET_NULL)
    assert _shown(made["reader"], mpp) == _reference(mpp)
    assert [row[1] for row in _shown(made["reader"], mpp)] == ["Ani Lestari", "Citra Dewi"]


BEFORE = [("surveys", "0004_kioskdevice_keeps_only_its_own")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_sums_from_the_answers_already_given(
    client, django_capture_on_commit_callbacks
):
    made = _answered_survey(client, django_capture_on_commit_callbacks)
    expected = {unit: _reference(unit) for unit in _units(made["first"], made["second"])}
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert OfficerDaySum.objects.exists()
    assert recompute.compare(START, END) == []
    reader = StaffFactory()
    RoleGrant.objects.create(user=reader, role=Role.MPP_MANAGER, mpp=made["first"].mpp)
    for service in (made["first"], made["second"]):
        RoleGrant.objects.create(user=reader, role=Role.AGENCY_ADMIN, agency=service.agency)
    assert {unit: _shown(reader, unit) for unit in expected} == expected
