"""Helpers for survey tests: finished applications (through the real workflow) and answers."""

from __future__ import annotations

import datetime

from django.db.models import F

from mpp.cases import services as case_services
from mpp.cases.models import Application
from mpp.cases.tests.factories import VALID_DATA, pdf_upload
from mpp.documents import services as document_services
from mpp.surveys.models import KioskDevice

ALL_FOUR = {f"U{n}": 4 for n in range(1, 10)}


def answers(**changed) -> dict[str, int]:
    return {**{f"U{n}": 3 for n in range(1, 10)}, **changed}


def in_review(service, citizen, officer) -> Application:
    application = case_services.start_application(applicant=citizen, service=service)
    case_services.update_draft(application, actor=citizen, data=VALID_DATA)
    case_services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload())
    case_services.submit_application(application, actor=citizen)
    case_services.claim_application(application, actor=officer)
    return Application.objects.get(pk=application.pk)


def rejected(service, citizen, officer) -> Application:
    application = in_review(service, citizen, officer)
    case_services.reject_application(application, actor=officer, note="Berkas tidak terbaca.")
    return Application.objects.get(pk=application.pk)


def issued(service, citizen, officer) -> Application:
    authority = document_services.ensure_demo_authority()
    document_services.ensure_signing_credential(service.agency, authority=authority)
    application = in_review(service, citizen, officer)
    case_services.approve_application(application, actor=officer)
    application = Application.objects.get(pk=application.pk)
    case_services.issue_application(application, actor=officer)
    return Application.objects.get(pk=application.pk)


def interval_passed(device: KioskDevice) -> None:
    """As if the device's interval had passed since its last answer: the next visitor's turn."""
    KioskDevice.objects.filter(pk=device.pk, last_answer_at__isnull=False).update(
        last_answer_at=F("last_answer_at") - datetime.timedelta(seconds=device.interval_seconds)
    )
