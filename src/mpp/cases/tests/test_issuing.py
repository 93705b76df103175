"""Side effects of application actions: hooks after the commit, the document as a task, races."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings as django_settings
from django.core import mail
from django.db import connection
from django.utils import timezone
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from mpp.cases import services
from mpp.cases.models import Application
from mpp.cases.tests.factories import (
    VALID_DATA,
    CitizenFactory,
    officer_for,
    pdf_upload,
    service_with,
)
from mpp.deadlines import services as clock
from mpp.documents import services as document_services
from mpp.documents.models import IssuedDocument
from mpp.notifications import services as notification_services
from mpp.notifications.models import Notification
from mpp.regions.data import load_regions
from mpp.regions.models import Province, Region
from mpp.workflows import services as workflow_services
from mpp.workflows.errors import StaleVersion
from mpp.workflows.models import HookFailure

ROOT = Path(__file__).resolve().parents[4]
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL"
)


def filled(service, citizen) -> Application:
    application = services.start_application(applicant=citizen, service=service)
    services.update_draft(application, actor=citizen, data=VALID_DATA)
    services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload())
    return application


def can_sign(service) -> None:
    authority = document_services.ensure_demo_authority()
    document_services.ensure_signing_credential(service.agency, authority=authority)


def in_review(service, citizen, officer) -> Application:
    application = filled(service, citizen)
    services.submit_application(application, actor=citizen)
    services.claim_application(application, actor=officer)
    return Application.objects.get(pk=application.pk)


@pytest.mark.django_db(transaction=True)
def test_a_failing_notification_leaves_the_submission_committed_and_is_retried(monkeypatch):
    service, citizen = service_with(), CitizenFactory()
    application = filled(service, citizen)
    real_notify = services.notify

    def mail_server_down(*args, **kwargs):
        raise ConnectionError("down")

    monkeypatch.setattr(services, "notify", mail_server_down)
    services.submit_application(application, actor=citizen)  # no error reaches the citizen

    assert Application.objects.get(pk=application.pk).status == "submitted"
    failure = HookFailure.objects.get()
    assert failure.hook == "mpp.cases.hooks.send_status_message"
    assert not Notification.objects.exists()

    monkeypatch.setattr(services, "notify", real_notify)
    result = workflow_services.retry_failed_hooks(now=failure.next_attempt_at)
    assert result.succeeded == 1
    assert Notification.objects.filter(recipient=citizen, kind="application.submitted").exists()
    assert HookFailure.objects.get().resolved_at is not None


@pytest.mark.django_db
def test_a_mail_server_down_keeps_the_submission_and_the_sweep_sends_the_mail(
    settings, django_capture_on_commit_callbacks
):
    service, citizen = service_with(), CitizenFactory()
    application = filled(service, citizen)
    settings.EMAIL_BACKEND = "mpp.notifications.tests.test_delivery.BrokenSMTPBackend"
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_application(application, actor=citizen)  # no error reaches the citizen

    assert Application.objects.get(pk=application.pk).status == "submitted"
    notification = Notification.objects.get(recipient=citizen, kind="application.submitted")
    email = notification.deliveries.get(channel="email")
    assert email.status == "failed" and mail.outbox == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notification_services.retry_failed_notifications() == 1
    email.refresh_from_db()
    assert email.status == "sent"
    assert [message.to for message in mail.outbox] == [[citizen.email]]
    assert application.tracking_number in mail.outbox[0].body
    # Sent once: a later sweep leaves it alone, and the submission is untouched.
    assert notification_services.retry_failed_notifications() == 0
    assert len(mail.outbox) == 1
    assert Application.objects.get(pk=application.pk).status == "submitted"


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_the_sweep_skips_a_row_an_officer_acted_on_and_goes_on_with_the_others(monkeypatch):
    service = service_with(auto_approve=True, time_limit=1)
    can_sign(service)
    citizen = CitizenFactory()
    first, second = filled(service, citizen), filled(service, citizen)
    services.submit_application(first, actor=citizen)
    services.submit_application(second, actor=citizen)
    real_apply = services.apply_action
    officer = officer_for(service)

    def officer_acts_first(application, action, **kwargs):
        if application.pk == first.pk and action == "auto_approve":
            # The officer claims it, on another connection, between the sweep's read and write.
            claim = threading.Thread(target=claim_on_another_connection)
            claim.start()
            claim.join()
        return real_apply(application, action, **kwargs)

    def claim_on_another_connection() -> None:
        try:
            services.claim_application(Application.objects.get(pk=first.pk), actor=officer)
        finally:
            connection.close()

    monkeypatch.setattr(services, "apply_action", officer_acts_first)
    result = clock.sweep(timezone.now() + datetime.timedelta(days=30)).steps["cases.application"]
    assert (result["auto_approved"], result["skipped"], result["failed"]) == (1, 1, 0)
    assert result["issued"] == 1
    assert Application.objects.get(pk=first.pk).status == "in_review"
    second = Application.objects.get(pk=second.pk)
    assert second.status == "issued" and second.issued_document.status == "valid"


@pytest.mark.django_db(transaction=True)
def test_one_failing_row_never_stops_the_sweep(monkeypatch):
    service = service_with(auto_approve=True, time_limit=1)
    can_sign(service)
    citizen = CitizenFactory()
    broken, fine = filled(service, citizen), filled(service, citizen)
    services.submit_application(broken, actor=citizen)
    services.submit_application(fine, actor=citizen)
    real_apply = services.apply_action

    def fails_for_one(application, action, **kwargs):
        if application.pk == broken.pk:
            raise RuntimeError("disk full")
        return real_apply(application, action, **kwargs)

    monkeypatch.setattr(services, "apply_action", fails_for_one)
    result = clock.sweep(timezone.now() + datetime.timedelta(days=30)).steps["cases.application"]
    assert (result["auto_approved"], result["failed"]) == (1, 1)
    assert Application.objects.get(pk=broken.pk).status == "submitted"
    assert Application.objects.get(pk=fine.pk).status == "issued"


@pytest.mark.django_db
def test_an_agency_without_a_key_is_told_before_anything_changes():
    service = service_with(skip_approval=True)
    officer = officer_for(service)
    application = in_review(service, CitizenFactory(), officer)
    with pytest.raises(document_services.SigningKeyMissing):
        services.issue_application(application, actor=officer)
    assert Application.objects.get(pk=application.pk).status == "in_review"


def race(application_id: int, officer, citizen, rival: str) -> dict[str, str]:
    """An officer issues while ``rival`` (reject by a colleague, or the citizen's withdrawal) acts
    on the same application from another connection at the same moment."""
    barrier = threading.Barrier(2)
    outcome: dict[str, str] = {}
    colleague = officer_for(Application.objects.get(pk=application_id).service)

    def issue() -> None:
        loaded = Application.objects.get(pk=application_id)
        barrier.wait()
        try:
            services.issue_application(loaded, actor=officer, expected_version=loaded.version)
            outcome["issue"] = "won"
        except StaleVersion:
            outcome["issue"] = "stale"
        finally:
            connection.close()

    def other() -> None:
        loaded = Application.objects.get(pk=application_id)
        barrier.wait()
        try:
            if rival == "reject":
                services.reject_application(
                    loaded,
                    actor=colleague,
                    note="Berkas tidak sah.",
                    expected_version=loaded.version,
                )
            else:
                services.withdraw_application(
                    loaded, actor=citizen, expected_version=loaded.version
                )
            outcome[rival] = "won"
        except StaleVersion:
            outcome[rival] = "stale"
        finally:
            connection.close()

    threads = [threading.Thread(target=issue), threading.Thread(target=other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcome


@on_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("rival", ["reject", "withdraw"])
def test_issuing_racing_a_rejection_or_withdrawal_never_leaves_a_valid_document(
    rival, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    if not Region.objects.filter(code="2171").exists():
        load_regions(Province, Region)
    service = service_with(skip_approval=True)
    can_sign(service)
    officer, citizen = officer_for(service), CitizenFactory()
    winners = set()
    for _round in range(20):
        application = in_review(service, citizen, officer)
        outcome = race(application.pk, officer, citizen, rival)
        assert sorted(outcome.values()) == ["stale", "won"], outcome
        application.refresh_from_db()
        documents = IssuedDocument.objects.filter(source_key=f"application:{application.pk}")
        if outcome["issue"] == "won":
            winners.add("issue")
            assert application.status == "issued"
            assert [d.status for d in documents] == ["valid"]
            assert application.issued_document == documents.get()
        else:
            winners.add(rival)
            assert application.status == ("rejected" if rival == "reject" else "withdrawn")
            assert not documents.exists()
    assert winners  # both outcomes are possible; whichever won, the invariant held


def _worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(condition, seconds: float = 120) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_while_issuing_and_restarted_produces_exactly_one_signed_document(
    settings, tmp_path
):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    if not Region.objects.filter(code="2171").exists():
        load_regions(Province, Region)
    service = service_with(skip_approval=True)
    can_sign(service)
    officer, citizen = officer_for(service), CitizenFactory()
    application = in_review(service, citizen, officer)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "MEDIA_ROOT": str(media),
        "MPP_TEST_ISSUE_DELAY_SECONDS": "30",
        "SECRET_KEY": django_settings.SECRET_KEY,
        "PYTHONPATH": str(ROOT / "src"),
    }
    services.issue_application(application, actor=officer)  # enqueued for the worker
    source = f"application:{application.pk}"
    worker = _worker(env)
    try:
        # The worker has reserved the document and is in the middle of the task: kill it.
        assert _wait_for(lambda: IssuedDocument.objects.filter(source_key=source).exists())
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=30)
        assert IssuedDocument.objects.get(source_key=source).status == "pending"
        application.refresh_from_db()
        assert application.is_being_issued

        env["MPP_TEST_ISSUE_DELAY_SECONDS"] = "0"
        worker = _worker(env)
        # The scheduled sweep finds the application still without its document.
        assert services.resume_issuing(older_than=datetime.timedelta(0)) == 1
        assert _wait_for(
            lambda: Application.objects.filter(
                pk=application.pk, issued_document__isnull=False
            ).exists()
        )
    finally:
        worker.kill()
        worker.wait(timeout=30)
    document = IssuedDocument.objects.get(source_key=source)
    assert IssuedDocument.objects.count() == 1 and document.status == "valid"
    with document.file.open("rb") as handle:
        reader = PdfFileReader(BytesIO(handle.read()))
    authority = document_services.ensure_demo_authority()
    _, _, der = pem.unarmor(authority.certificate_pem.encode())
    # pyHanko validates with asyncio.run: in a thread of its own, so that an event loop left
    # running by the browser tests in this process does not matter.
    with ThreadPoolExecutor(max_workers=1) as pool:
        status = pool.submit(
            validate_pdf_signature,
            reader.embedded_signatures[0],
            ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)]),
        ).result()
    assert status.intact and status.valid and status.trusted
