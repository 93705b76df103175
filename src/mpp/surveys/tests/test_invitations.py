"""A finished transaction invites its citizen once; the one-time link answers once, for 30 days."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from mpp.notifications.models import Notification
from mpp.surveys import services
from mpp.surveys.models import POPULATION, RESPONDENTS, Answer, DaySum, Invitation, Response
from mpp.surveys.services import Submission, SurveyError

from .factories import answers, issued, rejected

pytestmark = pytest.mark.django_db


def _token_of(notification: Notification) -> str:
    assert notification.link.startswith("/skm/isi/")
    return notification.link.removeprefix("/skm/isi/").strip("/")


def test_a_rejected_application_invites_its_citizen_once(
    service, citizen, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        application = rejected(service, citizen, officer)
    invitation = Invitation.objects.get()
    assert invitation.citizen == citizen and invitation.service == service
    assert invitation.object_id == str(application.pk) and invitation.workflow == "application"
    assert invitation.officer == officer
    assert invitation.expires_at - invitation.finished_at == datetime.timedelta(days=30)
    notification = Notification.objects.get(kind="survey.invited")
    assert notification.recipient == citizen
    # The hook is idempotent: a retry neither invites again nor counts the transaction twice.
    from mpp.workflows.models import TransitionRecord

    record = TransitionRecord.objects.get(to_state="rejected")
    assert services.invite(application, record) is None
    assert Invitation.objects.count() == 1
    population = DaySum.objects.get(unit=f"service:{service.pk}", element=POPULATION)
    assert population.count == 1


def test_an_issued_application_invites_too(
    service, citizen, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issued(service, citizen, officer)
    assert Invitation.objects.filter(workflow="application").count() == 1


def test_the_link_answers_once_and_keeps_the_sums(
    client, service, citizen, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rejected(service, citizen, officer)
    token = _token_of(Notification.objects.get(kind="survey.invited"))
    url = f"/skm/isi/{token}/"
    page = client.get(url)
    assert page.status_code == 200 and "kesesuaian persyaratan pelayanan" in page.text
    done = client.post(url, {**answers(U1=4), "suggestion": "Antrean terlalu panjang.", "sex": "p"})
    assert done.status_code == 200 and "Terima kasih" in done.text
    response = Response.objects.get()
    assert response.suggestion == "Antrean terlalu panjang." and response.sex == "p"
    assert {a.element: a.value for a in Answer.objects.all()}["U1"] == 4
    u1 = DaySum.objects.get(unit=f"mpp:{service.mpp_id}", element="U1")
    assert (u1.total, u1.count) == (4, 1)
    assert DaySum.objects.get(unit="national:", element=RESPONDENTS).count == 1
    again = client.post(url, answers())
    assert again.status_code == 409 and "sudah diisi" in again.text
    assert Response.objects.count() == 1


def test_missing_and_off_scale_answers_save_nothing(
    client, service, citizen, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rejected(service, citizen, officer)
    token = _token_of(Notification.objects.get(kind="survey.invited"))
    without_u3 = {key: value for key, value in answers(U2=7).items() if key != "U3"}
    page = client.post(f"/skm/isi/{token}/", without_u3)
    assert page.status_code == 422
    assert "Pilih jawaban untuk unsur Waktu penyelesaian." in page.text
    assert "Jawaban harus salah satu dari 1, 2, 3, atau 4." in page.text
    assert not Response.objects.exists() and not Answer.objects.exists()
    assert not DaySum.objects.filter(element=RESPONDENTS).exists()
    assert Invitation.objects.get().used_at is None


def test_an_expired_or_unknown_link_is_refused(
    client, service, citizen, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rejected(service, citizen, officer)
    token = _token_of(Notification.objects.get(kind="survey.invited"))
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    page = client.get(f"/skm/isi/{token}/")
    assert page.status_code == 409 and "30 hari" in page.text
    assert client.get("/skm/isi/tidak-ada/").status_code == 404
    with pytest.raises(SurveyError):
        services.submit_for_invitation(Invitation.objects.get(), Submission(answers()))
    assert not Response.objects.exists()


def test_the_database_allows_one_response_per_transaction(
    service, citizen, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        rejected(service, citizen, officer)
    invitation = Invitation.objects.get()
    first = services.submit_for_invitation(invitation, Submission(answers()))
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(
            version=first.version,
            channel="app",
            content_type=first.content_type,
            object_id=first.object_id,
            region_id=first.region_id,
            day=first.day,
        )


def test_one_visit_asks_once_but_counts_every_transaction(
    service, citizen, officer, django_capture_on_commit_callbacks
):
    """Issue 23: three invitations for one service within 8 minutes. Each finished transaction is
    still counted in the population; the citizen gets one message a day per service."""
    with django_capture_on_commit_callbacks(execute=True):
        rejected(service, citizen, officer)
        issued(service, citizen, officer)
        issued(service, citizen, officer)
    assert Invitation.objects.filter(citizen=citizen).count() == 3
    assert Notification.objects.filter(kind="survey.invited", recipient=citizen).count() == 1
    population = DaySum.objects.get(unit=f"service:{service.pk}", element=POPULATION)
    assert population.count == 3
    # A day later the same service asks again.
    later = Invitation.objects.order_by("finished_at").last()
    Invitation.objects.filter(citizen=citizen).update(
        finished_at=later.finished_at - datetime.timedelta(days=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        issued(service, citizen, officer)
    assert Notification.objects.filter(kind="survey.invited", recipient=citizen).count() == 2


def test_a_mail_server_down_keeps_the_rejection_and_the_sweep_sends_the_invitation(
    service, citizen, officer, settings, django_capture_on_commit_callbacks
):
    from django.core import mail

    from mpp.notifications.services import retry_failed_notifications

    settings.EMAIL_BACKEND = "mpp.notifications.tests.test_delivery.BrokenSMTPBackend"
    with django_capture_on_commit_callbacks(execute=True):
        application = rejected(service, citizen, officer)
    # The rejection and the invitation stand; only its mail failed, and that is recorded.
    application.refresh_from_db()
    assert application.status == "rejected"
    invitation = Invitation.objects.get(object_id=str(application.pk))
    notification = Notification.objects.get(kind="survey.invited", recipient=citizen)
    email = notification.deliveries.get(channel="email")
    assert email.status == "failed" and email.attempts == 1
    token = _token_of(notification)

    def invitations_sent() -> list:
        return [m for m in mail.outbox if m.to == [citizen.email] and token in m.body]

    assert invitations_sent() == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert retry_failed_notifications() >= 1  # with the submission's and rejection's mails
    email.refresh_from_db()
    assert email.status == "sent"
    assert len(invitations_sent()) == 1  # the one-time link the citizen answers with
    retry_failed_notifications()
    assert len(invitations_sent()) == 1
    assert Invitation.objects.get() == invitation
    assert Notification.objects.filter(kind="survey.invited").count() == 1
