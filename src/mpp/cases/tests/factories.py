"""Factories and helpers for application tests."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from mpp.accounts.models import Role, RoleGrant, User
from mpp.catalog.tests.factories import PublishedServiceFactory
from mpp.documents.uploads import blank_pdf

# A tiny but structurally valid one-page PDF (uploads are parsed, not only sniffed).
PDF_BYTES = blank_pdf()


class CitizenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"warga-uji-{n}")
    name = factory.Sequence(lambda n: f"Warga Uji {n}")
    nik = factory.Sequence(lambda n: f"2171011508{90 + n % 10:02d}{n % 9000 + 1:04d}")
    birth_date = factory.LazyAttribute(
        lambda o: datetime.date(1900 + int(o.nik[10:12]), int(o.nik[8:10]), int(o.nik[6:8]))
    )
    email = factory.Sequence(lambda n: f"warga{n}@contoh.id")
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.django.Password("Rahasia-Uji-2026")


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"petugas-uji-{n}")
    name = factory.Sequence(lambda n: f"Petugas Uji {n}")
    password = factory.django.Password("Rahasia-Uji-2026")


def officer_for(service, **kwargs) -> User:
    """An officer of the service's agency at its MPP."""
    user = StaffFactory.create(**kwargs)
    RoleGrant.objects.create(user=user, role=Role.OFFICER, agency=service.agency, mpp=service.mpp)
    return user


def service_with(**version) -> object:
    """A published service (Batam, 3 working days by default) with the sample form."""
    return PublishedServiceFactory(
        published__time_limit=version.pop("time_limit", 3),
        **{f"published__{key}": value for key, value in version.items()},
    )


def pdf_upload(name: str = "ktp.pdf", content: bytes = PDF_BYTES):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/pdf")


VALID_DATA = {"nama_lengkap": "Budi Santoso", "nik": "2171011508900003", "jenis": "baru"}


def issued_application(service, citizen, capture_on_commit, *, officer: User | None = None):
    """``(application, officer)``: filed by ``citizen`` with one file, claimed, approved and issued
    by an officer of the service (Rina Wulandari unless given); the document is signed (the
    ``signing`` fixture) when ``capture_on_commit`` (django_capture_on_commit_callbacks) runs it."""
    from mpp.cases import services

    officer = officer or officer_for(service, name="Rina Wulandari")
    application = services.start_application(applicant=citizen, service=service)
    services.update_draft(application, actor=citizen, data=VALID_DATA)
    services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload())
    services.submit_application(application, actor=citizen)
    services.claim_application(application, actor=officer)
    services.approve_application(application, actor=officer)
    with capture_on_commit(execute=True):
        services.issue_application(application, actor=officer)
    application.refresh_from_db()
    return application, officer
