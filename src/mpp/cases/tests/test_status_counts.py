"""The inbox's counts per status come from counters the database keeps with every change of an
application; a recount finds no drift after real processes, and finds and repairs injected drift."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from mpp.cases import selectors, services
from mpp.cases.models import Application, StatusCount
from mpp.cases.tests.factories import VALID_DATA, CitizenFactory, officer_for, pdf_upload

pytestmark = pytest.mark.django_db


def filled(service, citizen) -> Application:
    application = services.start_application(applicant=citizen, service=service)
    services.update_draft(application, actor=citizen, data=VALID_DATA)
    services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload())
    return application


def shown(officer) -> dict[str, int]:
    return {status: count for status, _label, count in selectors.status_counts(officer)}


def test_counts_follow_real_processes_without_drift(service, signing):
    officer = officer_for(service)
    citizens = [CitizenFactory() for _ in range(6)]
    issued, rejected, withdrawn, revised, waiting, _draft = (
        filled(service, citizen) for citizen in citizens
    )
    for application in (issued, rejected, withdrawn, revised, waiting):
        services.submit_application(application, actor=application.applicant)
    assert shown(officer)["submitted"] == 5
    services.claim_application(issued, actor=officer)
    services.approve_application(issued, actor=officer)
    services.issue_application(issued, actor=officer)
    services.claim_application(rejected, actor=officer)
    services.reject_application(rejected, actor=officer, note="Persyaratan tidak lengkap.")
    services.withdraw_application(withdrawn, actor=withdrawn.applicant)
    services.claim_application(revised, actor=officer)
    services.request_revision(revised, actor=officer, note="Pindaian KTP buram.")
    services.attach_file(revised, actor=revised.applicant, field="dokumen", upload=pdf_upload())
    services.resubmit_application(revised, actor=revised.applicant)

    assert shown(officer) == {
        "submitted": 1,
        "in_review": 1,
        "revision_requested": 0,
        "approved": 0,
        "issued": 1,
        "rejected": 1,
        "withdrawn": 1,
    }
    assert services.recount_statuses() == []


def test_a_deleted_application_leaves_its_count(service, citizen):
    officer = officer_for(service)
    application = filled(service, citizen)
    services.submit_application(application, actor=citizen)
    Application.objects.filter(pk=application.pk).delete()
    assert shown(officer)["submitted"] == 0
    assert services.recount_statuses() == []


def test_an_officer_sees_only_the_counts_of_their_unit(service, citizen):
    from mpp.cases.tests.factories import service_with

    elsewhere = service_with()
    for target in (service, elsewhere):
        application = filled(target, CitizenFactory())
        services.submit_application(application, actor=application.applicant)
    assert shown(officer_for(service))["submitted"] == 1


def test_recount_reports_drift_and_repairs_it_with_fix(service, citizen, capsys):
    officer = officer_for(service)
    application = filled(service, citizen)
    services.submit_application(application, actor=citizen)
    StatusCount.objects.filter(status="submitted").update(total=7)
    assert shown(officer)["submitted"] == 7

    with pytest.raises(SystemExit) as exit_:
        call_command("recount_statuses")
    assert exit_.value.code == 1
    assert "submitted: stored 7, counted 1" in capsys.readouterr().out
    assert shown(officer)["submitted"] == 7  # only reported

    call_command("recount_statuses", "--fix")
    assert "1 differences fixed" in capsys.readouterr().out
    assert shown(officer)["submitted"] == 1
    call_command("recount_statuses")
    assert "no differences" in capsys.readouterr().out
