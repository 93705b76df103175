"""The complaint manager's statistics per agency come from counters the database keeps with every
change of a complaint: after the real processes they show what a count of the complaints shows, a
recount finds no drift, and a tampered counter is reported and repaired."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Q
from django.utils import timezone

from mpp.accounts.models import User
from mpp.accounts.policy import Perm, scope_filter
from mpp.complaints import selectors, services
from mpp.complaints.models import About, AgencyComplaintCount, Complaint
from mpp.complaints.workflow import AGENCY, DESK, REPORTER
from mpp.deadlines.services import sweep
from mpp.tenancy.models import MPP, Agency

from .factories import citizen, desk, officer, submitted

pytestmark = pytest.mark.django_db


def counted(user) -> list[dict]:
    """The statistics as the page counted them before the counters (the oracle): one grouped
    count of the complaints in the manager's scope."""
    rows = Complaint.objects.filter(
        scope_filter(user, Perm.OVERSEE_COMPLAINTS, agency=None, mpp="mpp_id", region="region_id"),
        agency__isnull=False,
    )
    response = ExpressionWrapper(F("answered_at") - F("submitted_at"), output_field=DurationField())
    result = (
        rows.values("agency__name")
        .annotate(
            received=Count("id"),
            answered=Count("id", filter=Q(answered_at__isnull=False)),
            on_time=Count("id", filter=Q(answered_on_time=True)),
            escalated=Count("id", filter=Q(escalation_level__gt=0)),
            mean_response=Avg(response, filter=Q(answered_at__isnull=False)),
        )
        .order_by("agency__name")
    )
    return [
        row
        | {
            "on_time_rate": round(100 * row["on_time"] / row["answered"])
            if row["answered"]
            else None
        }
        for row in result
    ]


@pytest.fixture
def now(monkeypatch):
    """The moment the services act at, moved on by the test (``now.pass_(hours=...)``)."""

    class Clock:
        moment = timezone.now()

        def pass_(self, **delta) -> None:
            self.moment += datetime.timedelta(**delta)

        def set(self, moment: datetime.datetime) -> None:
            self.moment = moment

    clock = Clock()
    monkeypatch.setattr(timezone, "now", lambda: clock.moment)
    return clock


def act(complaint: Complaint, action: str, **kwargs) -> Complaint:
    kinds = {"verify": DESK, "reassign": DESK, "respond": AGENCY}.get(action, REPORTER)
    user = {DESK: desk(), AGENCY: officer(), REPORTER: citizen()}[kinds]
    return services.take_action(complaint, action, user=user, kinds={kinds}, **kwargs)


def test_statistics_follow_real_processes_as_a_count_would(demo, now):
    manager = User.objects.get(username="pengelola.batam")
    regional = User.objects.get(username="admin.batam")
    dukcapil = Agency.objects.get(slug="disdukcapil-batam")
    dinkes = Agency.objects.get(slug="dinkes-batam")

    on_time = act(submitted(reporter=citizen()), "verify")
    now.pass_(hours=3, microseconds=271_828)
    on_time = act(on_time, "respond", note="Loket ditambah.")

    late = act(submitted(), "verify")
    now.set(late.due_at + datetime.timedelta(hours=2, microseconds=5))
    late = act(late, "respond", note="Maaf terlambat.")

    moved = act(submitted(), "verify")
    moved = act(moved, "reassign", agency=dinkes, note="Urusan izin praktik")

    overdue = submitted()
    sweep(now=overdue.due_at + datetime.timedelta(hours=1))
    overdue.refresh_from_db()
    assert overdue.escalation_level == 1

    reopened = act(submitted(reporter=citizen()), "verify")
    now.pass_(days=1, microseconds=999_999)
    reopened = act(reopened, "respond", note="Sudah diperbaiki.")
    reopened = act(reopened, "reopen", note="Belum, loket masih tutup.")
    now.pass_(hours=5)
    reopened = act(reopened, "respond", note="Loket dibuka kembali.")
    act(reopened, "close")

    about_the_mpp = submitted(about=About.MPP, agency=None)
    assert not AgencyComplaintCount.objects.filter(received__lt=0).exists()
    act(about_the_mpp, "verify", agency=dinkes)

    Complaint.objects.filter(pk=submitted().pk).delete()
    yogya = MPP.objects.get(slug="mpp-kota-yogyakarta")
    submitted(mpp=yogya, agency=Agency.objects.get(slug="disdukcapil-yogyakarta"))

    for user in (manager, regional):
        assert selectors.statistics_per_agency(user) == counted(user)
    shown = {row["agency__name"]: row for row in selectors.statistics_per_agency(manager)}
    assert set(shown) == {dukcapil.name, dinkes.name}
    assert shown[dukcapil.name]["answered"] >= 3 and shown[dukcapil.name]["on_time_rate"] < 100
    assert shown[dukcapil.name]["escalated"] >= 1
    assert services.recount_complaint_stats() == []


def test_a_tampered_counter_is_reported_and_repaired(demo, capsys):
    manager = User.objects.get(username="pengelola.batam")
    act(act(submitted(), "verify"), "respond", note="Loket ditambah.")
    before = selectors.statistics_per_agency(manager)
    AgencyComplaintCount.objects.update(received=F("received") + 7)
    assert selectors.statistics_per_agency(manager) != before

    with pytest.raises(SystemExit) as exit_:
        call_command("recount_complaint_stats")
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    row = AgencyComplaintCount.objects.get(agency__slug="disdukcapil-batam")
    assert f"received: stored {row.received}, counted {row.received - 7}" in out
    assert selectors.statistics_per_agency(manager) != before  # only reported

    call_command("recount_complaint_stats", "--fix")
    assert "differences fixed" in capsys.readouterr().out
    assert selectors.statistics_per_agency(manager) == before == counted(manager)
    call_command("recount_complaint_stats")
    assert "no differences" in capsys.readouterr().out
