"""Demo onboarding history: the 21 first-phase loci (June 2023) with access granted, Batam's SK
Pengelola naming the demo MPP manager, and one new application waiting for the ministry."""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from mpp.accounts.demo import DEMO_STAFF_PASSWORD, DEMO_TOTP_KEY_HEX
from mpp.accounts.models import Role, RoleGrant, User
from mpp.deadlines import services as clock
from mpp.documents.uploads import blank_pdf
from mpp.onboarding.models import (
    DecreeAppointee,
    Hosting,
    ManagerDecree,
    OnboardingApplication,
)
from mpp.onboarding.services import REVIEW_LIMIT, active_rubric, readiness_score
from mpp.regions.data import PILOT_LOCI
from mpp.regions.localtime import NATIONAL_ZONE
from mpp.regions.models import Region
from mpp.tenancy.models import MPP

JAKARTA = NATIONAL_ZONE
LAUNCH = datetime.datetime(2023, 6, 12, 10, 0, tzinfo=JAKARTA)
CONTACT_USERNAME, CONTACT_NAME = "narahubung.denpasar", "I Made Suardana"
WAITING_REGION = "5171"  # Kota Denpasar applies: a new application in the ministry's queue


def _application(
    region: Region, status: str, *, phase=None, at=LAUNCH, contact: tuple[str, str] | None = None
) -> OnboardingApplication:
    contact_name, contact_email = contact or (
        f"Admin {region.name}",
        f"admin.{region.code}@contoh.go.id",
    )
    application = OnboardingApplication(
        reference=f"LOK-{region.code}-{at.year}01",
        region=region,
        contact_name=contact_name,
        contact_email=contact_email,
        manager_name=f"Pengelola MPP {region.name}",
        manager_email=f"pengelola.{region.code}@contoh.go.id",
        bandwidth_mbps=100,
        devices=25,
        trained_staff=12,
        has_physical_mpp=True,
        hosting=Hosting.DATA_CENTER,
        budget=750_000_000,
        submitted_at=at if status == "submitted" else at - datetime.timedelta(days=60),
        phase=phase,
        status=status,
        access_granted_at=at if status == "active" else None,
    )
    if status == "submitted":  # under review: the ministry's clock runs
        for field, value in clock.start(application, REVIEW_LIMIT, at=at).items():
            setattr(application, field, value)
    rubric = active_rubric()
    application.rubric = rubric
    application.score, application.score_detail = readiness_score(application, rubric)
    application.letter.save("letter", ContentFile(blank_pdf()), save=False)
    application.urgency_study.save("study", ContentFile(blank_pdf()), save=False)
    if status == "active":
        application.agreement.save("agreement", ContentFile(blank_pdf()), save=False)
    application.save()
    return application


def load() -> None:
    for code in PILOT_LOCI:
        region = Region.objects.filter(code=code).first()
        if region is None or OnboardingApplication.objects.filter(region=region).exists():
            continue
        _application(region, "active", phase=1)
    waiting = Region.objects.filter(code=WAITING_REGION).first()
    if waiting and not OnboardingApplication.objects.filter(region=waiting).exists():
        _application(
            waiting,
            "submitted",
            at=datetime.datetime(2026, 11, 20, 9, 0, tzinfo=JAKARTA),
            contact=(CONTACT_NAME, f"{CONTACT_USERNAME}@contoh.go.id"),
        )
        _region_contact(waiting)
    _batam_decree()


def _region_contact(region: Region) -> None:
    """The contact the waiting region named, as if they had accepted the ministry's invitation
    (README's demo table): resubmits after a return, uploads the signed agreement."""
    user, created = User.objects.get_or_create(
        username=CONTACT_USERNAME, defaults={"name": CONTACT_NAME}
    )
    if created:
        user.set_password(DEMO_STAFF_PASSWORD)
        user.email = f"{CONTACT_USERNAME}@contoh.go.id"
        user.email_verified_at = timezone.now()
        user.save()
        RoleGrant.objects.create(user=user, role=Role.REGION_CONTACT, region=region)
        TOTPDevice.objects.create(user=user, name="demo", key=DEMO_TOTP_KEY_HEX, confirmed=True)


def _batam_decree() -> None:
    if ManagerDecree.objects.filter(region_id="2171").exists():
        return
    mpp = MPP.objects.filter(slug="mpp-kota-batam").first()
    manager = User.objects.filter(username="pengelola.batam").first()
    if mpp is None or manager is None:
        return
    decree = ManagerDecree(
        region_id="2171",
        number="KPTS/123/HK/VII/2023",
        decree_date=datetime.date(2023, 7, 10),
        signatory="Wali Kota Batam",
        valid_until=datetime.date(2027, 12, 31),
        sha256="",
        uploaded_by=User.objects.filter(username="admin.batam").first(),
        uploaded_at=datetime.datetime(2023, 7, 11, 9, 0, tzinfo=JAKARTA),
    )
    decree.document.save("sk", ContentFile(blank_pdf()), save=False)
    decree.save()
    DecreeAppointee.objects.create(
        decree=decree,
        name=manager.name,
        email=manager.email,
        position="Pengelola MPP Digital",
        mpp=mpp,
        grant=RoleGrant.objects.active().filter(user=manager, mpp=mpp).first(),
    )
