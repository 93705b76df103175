"""Versioning: drafts are editable, published versions immutable, publishing all-or-nothing."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from mpp.accounts.models import Role
from mpp.accounts.tests.factories import staff
from mpp.audit.models import AuditAction, AuditEvent
from mpp.catalog import selectors, services
from mpp.catalog.models import PublishedVersionError, Service, ServiceVersion
from mpp.catalog.tests.factories import (
    SAMPLE_FORM,
    AgencyPresenceFactory,
    PublishedServiceFactory,
)

pytestmark = pytest.mark.django_db


def content(**overrides) -> dict:
    base = {
        "name": "Penerbitan akta kelahiran",
        "summary": "Akta kelahiran untuk bayi baru lahir.",
        "category": "kependudukan",
        "channel": "both",
        "requirements": ["Surat keterangan kelahiran", "Kartu Keluarga"],
        "procedure": ["Isi formulir", "Verifikasi", "Dokumen terbit"],
        "time_limit": 1,
        "time_limit_unit": "hours",
        "fee": 0,
        "product": "Kutipan akta kelahiran",
        "complaint_handling": "SP4N-LAPOR!",
        "legal_basis": ["UU 24/2013"],
        "form_definition": [dict(f) for f in SAMPLE_FORM],
    }
    return base | overrides


@pytest.fixture
def presence():
    return AgencyPresenceFactory()


@pytest.fixture
def admin(presence):
    return staff(Role.AGENCY_ADMIN, agency=presence.agency)


def test_an_agency_admin_creates_and_publishes_a_service(presence, admin):
    service = services.create_service(
        actor=admin, agency=presence.agency, mpp=presence.mpp, content=content()
    )
    assert service.current_version is None
    assert not selectors.search_services(selectors.ServiceFilters(query="akta")).exists()
    draft = selectors.draft_of(service)
    services.publish_draft(draft, actor=admin)
    service.refresh_from_db()
    assert service.current_version.number == 1
    assert service.current_version.effective_from == timezone.localdate()
    assert service.accepts_applications
    assert list(selectors.search_services(selectors.ServiceFilters(query="akta"))) == [service]
    event = AuditEvent.objects.get(action=AuditAction.SERVICE_PUBLISHED)
    assert event.actor == admin and event.target_id == str(service.pk)


def test_published_versions_cannot_be_changed_or_deleted():
    service = PublishedServiceFactory()
    version = ServiceVersion.objects.get(pk=service.current_version_id)
    version.fee = 50000
    with pytest.raises(PublishedVersionError):
        version.save()
    with pytest.raises(PublishedVersionError):
        version.delete()
    assert ServiceVersion.objects.get(pk=version.pk).fee == 0


def test_a_new_version_keeps_the_old_one_readable(admin, presence):
    service = PublishedServiceFactory(presence=presence)
    first = service.current_version
    draft = services.start_draft(service, actor=admin)
    assert draft.number == 2 and draft.requirements == first.requirements
    services.update_draft(draft, actor=admin, content={"fee": 25000, "change_note": "Tarif baru"})
    services.publish_draft(draft, actor=admin)
    service.refresh_from_db()
    assert service.current_version.number == 2
    assert service.fee == 25000
    old = selectors.public_version(service, 1)
    assert old.fee == 0 and old.pk == first.pk
    changes = {
        c.field: (c.before, c.after)
        for c in selectors.version_changes(old, service.current_version)
    }
    assert changes == {"fee": (0, 25000)}


def test_an_invalid_draft_is_refused_and_nothing_changes(admin, presence):
    service = PublishedServiceFactory(presence=presence)
    draft = services.start_draft(service, actor=admin)
    broken = [dict(f) for f in SAMPLE_FORM] + [{"name": "nik", "type": "text", "label": "x"}]
    with pytest.raises(ValidationError) as error:
        services.update_draft(draft, actor=admin, content={"form_definition": broken, "fee": 9})
    assert "“nik”" in error.value.message_dict["form_definition"][0]
    draft.refresh_from_db()
    assert draft.fee == 0 and draft.form_definition == SAMPLE_FORM


def test_publishing_is_all_or_nothing(admin, presence, monkeypatch):
    service = PublishedServiceFactory(presence=presence)
    draft = services.start_draft(service, actor=admin)
    services.update_draft(draft, actor=admin, content={"name": "Nama baru", "fee": 10000})

    def fail(*args, **kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(services, "record_event", fail)
    with pytest.raises(RuntimeError):
        services.publish_draft(draft, actor=admin)
    service.refresh_from_db()
    draft.refresh_from_db()
    assert service.current_version.number == 1
    assert service.name != "Nama baru" and service.fee == 0
    assert draft.status == ServiceVersion.Status.DRAFT


def test_incomplete_standard_cannot_be_published(admin, presence):
    service = services.create_service(
        actor=admin,
        agency=presence.agency,
        mpp=presence.mpp,
        content=content(requirements=[], form_definition=[]),
    )
    with pytest.raises(ValidationError) as error:
        services.publish_draft(selectors.draft_of(service), actor=admin)
    assert set(error.value.message_dict) == {"requirements", "form_definition"}
    service.refresh_from_db()
    assert service.current_version is None


def test_effective_date_cannot_be_in_the_future(admin, presence):
    service = PublishedServiceFactory(presence=presence)
    draft = services.start_draft(service, actor=admin)
    with pytest.raises(ValidationError):
        services.publish_draft(
            draft, actor=admin, effective_from=timezone.localdate() + datetime.timedelta(days=1)
        )


def test_other_agencies_admins_are_refused(presence):
    service = PublishedServiceFactory(presence=presence)
    outsider = staff(Role.AGENCY_ADMIN, agency=AgencyPresenceFactory().agency)
    with pytest.raises(PermissionDenied):
        services.start_draft(service, actor=outsider)
    with pytest.raises(PermissionDenied):
        services.retire_service(service, actor=outsider)
    officer = staff(Role.OFFICER, agency=presence.agency, mpp=presence.mpp)
    with pytest.raises(PermissionDenied):
        services.start_draft(service, actor=officer)


def test_retiring_hides_from_search_and_new_applications(admin, presence):
    service = PublishedServiceFactory(presence=presence)
    services.retire_service(service, actor=admin)
    service.refresh_from_db()
    assert not service.accepts_applications
    assert not selectors.search_services(selectors.ServiceFilters()).filter(pk=service.pk)
    assert selectors.public_version(service, 1) is not None
    assert AuditEvent.objects.filter(action=AuditAction.SERVICE_RETIRED).count() == 1


def test_adopting_a_national_template_creates_a_prefilled_draft(admin, presence):
    ministry = staff(Role.MINISTRY_ADMIN)
    template = services.create_template(actor=ministry, content=content(auto_approve=True))
    services.publish_draft(selectors.draft_of(template), actor=ministry)
    with pytest.raises(PermissionDenied):
        services.create_template(actor=admin, content=content())
    adopted = services.adopt_template(
        template, actor=admin, agency=presence.agency, mpp=presence.mpp
    )
    draft = selectors.draft_of(adopted)
    assert adopted.template_id == template.pk and adopted.current_version is None
    assert draft.name == "Penerbitan akta kelahiran" and draft.auto_approve is True
    assert not Service.objects.published().filter(pk=template.pk).exists()
