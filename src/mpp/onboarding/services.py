"""Every write of region onboarding and the SK Pengelola; each one transactional.

Refusals raise :class:`OnboardingError` with a message in Indonesian (and per-field messages) and
change nothing. Status changes go through ``mpp.workflows.services.apply_action`` only.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from mpp.accounts import services as account_services
from mpp.accounts.models import Invitation, Role, User
from mpp.accounts.policy import Perm, can
from mpp.deadlines import services as clock
from mpp.deadlines.services import Limit
from mpp.documents.uploads import AcceptedUpload, UnsafeFile, UploadRule, accept_upload
from mpp.errors import ServiceError
from mpp.onboarding.models import (
    DecreeAppointee,
    Hosting,
    ManagerDecree,
    OnboardingApplication,
    ReadinessRubric,
)
from mpp.onboarding.selectors import phase_counts
from mpp.onboarding.workflow import MINISTRY, NEXT_ACTION, REGION, STAGE_LABELS, STAGE_OF
from mpp.regions.models import Region
from mpp.tenancy.models import MPP
from mpp.workflows import services as workflow_services
from mpp.workflows.errors import WorkflowError, refusal_status

REVIEW_WORKING_DAYS = 10  # the ministry reviews an application within ten working days
REVIEW_LIMIT = Limit(REVIEW_WORKING_DAYS)
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DOCUMENT_RULE = UploadRule(
    types=("application/pdf", "image/png", "image/jpeg"), max_bytes=MAX_UPLOAD_BYTES
)
DECREE_RULE = UploadRule(types=("application/pdf",), max_bytes=MAX_UPLOAD_BYTES)

# The readiness criteria the rubric weighs, and how a checklist answer becomes 0..1.
CRITERIA = {
    "bandwidth": lambda a: min(a.bandwidth_mbps / 100, 1),
    "devices": lambda a: min(a.devices / 20, 1),
    "trained_staff": lambda a: min(a.trained_staff / 10, 1),
    "physical_mpp": lambda a: 1 if a.has_physical_mpp else 0,
    "hosting": lambda a: {Hosting.DATA_CENTER: 1, Hosting.CLOUD: 1}.get(a.hosting, 0),
    "budget": lambda a: min(a.budget / 500_000_000, 1),
}
CRITERIA_LABELS = {
    "bandwidth": _("Kapasitas internet (100 Mbps atau lebih = penuh)"),
    "devices": _("Perangkat komputer (20 atau lebih = penuh)"),
    "trained_staff": _("Petugas terlatih (10 atau lebih = penuh)"),
    "physical_mpp": _("MPP fisik"),
    "hosting": _("Pusat data atau cloud"),
    "budget": _("Anggaran (Rp 500.000.000 atau lebih = penuh)"),
}
DEFAULT_WEIGHTS = {
    "bandwidth": 25,
    "devices": 15,
    "trained_staff": 20,
    "physical_mpp": 15,
    "hosting": 15,
    "budget": 10,
}


class OnboardingError(ServiceError):
    """A refused onboarding write (403: refused by the policy; nothing changed)."""

    default_status = 400


# --- Rubric -----------------------------------------------------------------------------------


def weight_problems(weights: dict[str, object]) -> list[str]:
    """Why these weights cannot be a rubric (unknown criteria, negatives, not summing to 100)."""
    problems = []
    unknown = sorted(set(weights) - set(CRITERIA))
    if unknown:
        problems.append(_("Kriteria tidak dikenal: %(names)s.") % {"names": ", ".join(unknown)})
    try:
        values = {key: Decimal(str(value)) for key, value in weights.items()}
    except ArithmeticError:
        return [*problems, _("Bobot harus berupa angka.")]
    if any(value < 0 for value in values.values()):
        problems.append(_("Bobot tidak boleh negatif."))
    total = sum(values.values(), Decimal(0))
    if total != 100:
        problems.append(
            _("Jumlah bobot harus 100%%; sekarang %(total)s%%.")
            % {"total": f"{total.normalize():f}"}
        )
    return problems


def save_rubric(*, actor: User, name: str, weights: dict[str, object]) -> ReadinessRubric:
    if not can(actor, Perm.MANAGE_ONBOARDING):
        raise OnboardingError(_("Anda tidak berwenang mengubah rubrik kesiapan."))
    problems = weight_problems(weights)
    if problems:
        raise OnboardingError(problems[0], {"__all__": problems})
    clean = {key: float(Decimal(str(value))) for key, value in weights.items()}
    return ReadinessRubric.objects.create(name=name, criteria=clean, created_by=actor)


def active_rubric() -> ReadinessRubric:
    rubric = ReadinessRubric.objects.first()
    if rubric is None:
        rubric = ReadinessRubric.objects.create(
            name=_("Rubrik kesiapan bawaan"), criteria=dict(DEFAULT_WEIGHTS)
        )
    return rubric


def readiness_score(application: OnboardingApplication, rubric: ReadinessRubric):
    detail = {}
    total = Decimal(0)
    for key, weight in rubric.criteria.items():
        part = Decimal(str(CRITERIA[key](application))) * Decimal(str(weight))
        detail[key] = {"weight": weight, "points": float(round(part, 2))}
        total += part
    return round(total, 2), detail


# --- Files ------------------------------------------------------------------------------------


def checked_upload(upload, field: str, rule: UploadRule = DOCUMENT_RULE) -> AcceptedUpload:
    """``upload`` accepted by the upload service for the form field ``field``, or OnboardingError."""
    if upload is None:
        raise OnboardingError(_("Unggah berkasnya."), {field: [_("Unggah berkasnya.")]})
    try:
        return accept_upload(upload, rule)
    except UnsafeFile as error:
        raise OnboardingError(error.message, {field: [error.message]}) from None


# --- Applying -----------------------------------------------------------------------------------


@dataclass
class Checklist:
    contact_name: str
    contact_email: str
    manager_name: str
    manager_email: str
    bandwidth_mbps: int
    devices: int
    trained_staff: int
    has_physical_mpp: bool
    hosting: str
    budget: int


def region_is_on_platform(region: Region) -> bool:
    return MPP.objects.filter(region=region, is_active=True).exists()


def _reference(region: Region) -> str:
    year = timezone.now().year
    count = OnboardingApplication.objects.filter(
        reference__startswith=f"LOK-{region.code}-"
    ).count()
    return f"LOK-{region.code}-{year}{count + 1:02d}"


# Who acts on an application, by the permission that makes them so.
ACTOR_PERMISSIONS = {MINISTRY: Perm.MANAGE_ONBOARDING, REGION: Perm.APPLY_ONBOARDING}


def kinds_for(user, application: OnboardingApplication) -> set[str]:
    return {kind for kind, perm in ACTOR_PERMISSIONS.items() if can(user, perm, application)}


@transaction.atomic
def apply(
    *,
    actor: User | None,
    region: Region,
    checklist: Checklist,
    letter,
    urgency_study,
    now: datetime.datetime | None = None,
) -> OnboardingApplication:
    """A region applies: its regional admin (``actor``) or, for a region not yet on the platform,
    anybody through the public form (``actor`` None)."""
    if actor is not None and actor.is_authenticated:
        if not can(actor, Perm.APPLY_ONBOARDING, region):
            raise OnboardingError(_("Anda hanya dapat mengajukan permohonan untuk daerah Anda."))
    elif region_is_on_platform(region):
        message = _(
            "%(region)s sudah memiliki MPP di platform; permohonan diajukan oleh admin daerahnya "
            "setelah masuk."
        ) % {"region": region.name}
        raise OnboardingError(message, {"region": [message]})
    if OnboardingApplication.objects.filter(region=region).exclude(status="revoked").exists():
        message = _("%(region)s sudah memiliki permohonan yang sedang berjalan.") % {
            "region": region.name
        }
        raise OnboardingError(message, {"region": [message]})
    letter_file = checked_upload(letter, "letter")
    study_file = checked_upload(urgency_study, "urgency_study")
    now = now or timezone.now()
    application = OnboardingApplication(
        reference=_reference(region),
        region=region,
        applicant=actor if actor is not None and actor.is_authenticated else None,
        submitted_at=now,
        **checklist.__dict__,
    )
    for field, value in clock.start(application, REVIEW_LIMIT, at=now).items():
        setattr(application, field, value)
    rubric = active_rubric()
    application.rubric = rubric
    application.score, application.score_detail = readiness_score(application, rubric)
    letter_file.save_to(application.letter, "letter")
    study_file.save_to(application.urgency_study, "study")
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        message = _("%(region)s sudah memiliki permohonan yang sedang berjalan.") % {
            "region": region.name
        }
        raise OnboardingError(message, {"region": [message]}) from None
    return application


def _act(application, action: str, actor, *, note: str = "", changes=None, data=None):
    """Apply ``action``; a stage skipped or a wrong actor becomes an OnboardingError."""
    kinds = kinds_for(actor, application)
    if not kinds:
        raise OnboardingError(_("Anda tidak berwenang menangani permohonan ini."), status=403)
    transition = application.get_workflow().transition(action, application.status)
    if transition is None and action in application.get_workflow().actions:
        expected = NEXT_ACTION.get(application.status)
        stage = STAGE_LABELS[STAGE_OF[application.status]]
        raise OnboardingError(
            _(
                "Tahap tidak boleh dilompati: permohonan ini sedang pada tahap %(stage)s. "
                "Selesaikan tahap itu lebih dahulu."
            )
            % {"stage": stage}
            if expected
            else _("Tindakan ini tidak dapat dilakukan pada status saat ini.")
        )
    try:
        return workflow_services.apply_action(
            application, action, actor_user=actor, actor_kinds=kinds, note=note,
            changes=changes, data=data,
        )  # fmt: skip
    except WorkflowError as error:
        raise OnboardingError(
            error.message, {"note": [error.message]}, status=refusal_status(error, 400)
        ) from None


def _contacts(application):
    """The account of the region's contact, only where its owner verified the address: a mere
    registration with the same email learns nothing about the application."""
    return User.objects.filter(
        email__iexact=application.contact_email, email_verified_at__isnull=False, is_active=True
    )[:1]


def _invite_region_contact(application, *, actor: User, request=None) -> None:
    """The ministry's first decision invites the contact the region named to act for the region in
    onboarding (resubmit, upload the signed agreement): ``REGION_CONTACT`` on the region, granted
    only when the owner of the address accepts. Nobody is invited when someone already acts for
    the region (its regional admin, or the contact who accepted before)."""
    acting = User.objects.filter(
        role_grants__role__in=(Role.REGIONAL_ADMIN, Role.REGION_CONTACT),
        role_grants__region_id=application.region_id,
        role_grants__revoked_at__isnull=True,
        is_active=True,
    )
    if acting.exists():
        return
    _invite(
        name=application.contact_name, email=application.contact_email,
        role=Role.REGION_CONTACT, actor=actor, region=application.region, request=request,
    )  # fmt: skip


@transaction.atomic
def return_application(application, *, actor: User, reason: str, request=None, now=None):
    now = now or timezone.now()
    _act(
        application, "return", actor, note=reason,
        changes={"return_reason": reason.strip(), **clock.stop(application, at=now)},
    )  # fmt: skip
    _invite_region_contact(application, actor=actor, request=request)
    return application


@transaction.atomic
def resubmit(application, *, actor: User, note: str = "", now=None):
    now = now or timezone.now()
    _act(
        application, "resubmit", actor, note=note,
        changes={"submitted_at": now, "review_escalated_at": None,
                 **clock.start(application, REVIEW_LIMIT, at=now)},
    )  # fmt: skip
    return application


def open_phases() -> list[int]:
    """The phases the ministry may designate into: every phase in use and the next new one."""
    used = sorted(phase_counts())
    return [*used, (used[-1] if used else 0) + 1]


@transaction.atomic
def designate(
    application, *, actor: User, phase: int | None, note: str = "", request=None, now=None
):
    if not phase or phase not in open_phases():
        message = _("Pilih tahap penetapan lokus.")
        raise OnboardingError(message, {"phase": [message]})
    now = now or timezone.now()
    _act(
        application, "designate", actor, note=note,
        changes={"phase": phase, **clock.stop(application, at=now)}, data={"phase": phase},
    )  # fmt: skip
    _invite_region_contact(application, actor=actor, request=request)
    return application


@transaction.atomic
def upload_agreement(application, *, actor: User, upload):
    if STAGE_OF[application.status] != 2:
        _act(application, "upload_agreement", actor)  # raises: the stage is not reached
    agreement = checked_upload(upload, "agreement")
    if not kinds_for(actor, application) & {REGION}:
        raise OnboardingError(
            _(
                "Perjanjian yang ditandatangani diunggah oleh daerah: admin daerah atau narahubung "
                "daerah yang telah menerima undangan."
            ),
            status=403,
        )
    agreement.save_to(application.agreement, "agreement")
    _act(
        application, "upload_agreement", actor,
        changes={"agreement": application.agreement.name, "agreement_uploaded_at": timezone.now()},
    )  # fmt: skip
    return application


def _invite(
    *, name: str, email: str, role: Role, actor: User, region=None, mpp=None, request=None
) -> Invitation:
    """Invite the person named to ``role``: the role is granted (by ``actor``, policy-checked by
    accounts) only when the owner of ``email`` accepts the link, onto a new staff account — never
    onto an account that merely has this address."""
    try:
        return account_services.invite(
            inviter=actor, role=role, email=email, name=name, region=region, mpp=mpp,
            request=request,
        )  # fmt: skip
    except ValidationError as error:
        raise OnboardingError(" ".join(error.messages)) from None


@transaction.atomic
def grant_access(application, *, actor: User, request=None):
    """Stage 4: activate the region's tenant (its MPP on the platform) and invite its people."""
    if application.status != "agreement_signed":
        _act(application, "grant_access", actor)  # raises with the stage named
    if not can(actor, Perm.MANAGE_ONBOARDING, application):
        raise OnboardingError(_("Anda tidak berwenang menangani permohonan ini."), status=403)
    region = application.region
    mpp = MPP.objects.filter(region=region).order_by("id").first()
    if mpp is None:
        slug = slugify(f"mpp-{region.name}")
        mpp = MPP.objects.create(region=region, name=f"MPP {region.name}", slug=slug)
    elif not mpp.is_active:
        mpp.is_active = True
        mpp.save(update_fields=["is_active"])
    _act(application, "grant_access", actor, changes={"access_granted_at": timezone.now()})
    _invite(
        name=application.contact_name, email=application.contact_email,
        role=Role.REGIONAL_ADMIN, actor=actor, region=region, request=request,
    )  # fmt: skip
    _invite(
        name=application.manager_name, email=application.manager_email,
        role=Role.MPP_MANAGER, actor=actor, mpp=mpp, request=request,
    )  # fmt: skip
    return application


STANDING_ACTIONS = {
    "probation": OnboardingApplication.Standing.PROBATION,
    "restore": OnboardingApplication.Standing.GOOD,
    "revoke": OnboardingApplication.Standing.REVOKED,
}


@transaction.atomic
def change_standing(application, *, actor: User, action: str, reason: str):
    if action not in STANDING_ACTIONS:
        raise OnboardingError(_("Tindakan ini tidak dikenal."))
    standing = STANDING_ACTIONS[action]
    _act(
        application, action, actor, note=reason,
        changes={"standing": standing, "standing_reason": reason.strip()},
    )  # fmt: skip
    return application


# --- The review deadline ------------------------------------------------------------------------


def escalate_overdue_reviews(now: datetime.datetime) -> dict[str, int]:
    """The sweep's step: each submitted application whose review is overdue is escalated once —
    recorded in its history (``escalate``, by the system) and told by the workflow's hooks to the
    ministry's admins and to the region's contact."""
    overdue = (
        OnboardingApplication.objects.breached(now)
        .filter(status="submitted", review_escalated_at__isnull=True)
        .select_related("region")[:500]
    )
    return workflow_services.escalate_overdue(overdue, now=now, marker="review_escalated_at")


# --- SK Pengelola -------------------------------------------------------------------------------


@dataclass
class Appointee:
    name: str
    email: str
    position: str
    mpp: MPP


@transaction.atomic
def upload_decree(
    *,
    actor: User,
    region: Region,
    number: str,
    decree_date: datetime.date,
    signatory: str,
    valid_until: datetime.date | None,
    appointees: list[Appointee],
    upload,
    request=None,
) -> ManagerDecree:
    """The region uploads its SK Pengelola; each manager named is invited to the MPP manager role on
    the MPP named (granted by the uploader on acceptance, so within the uploader's own policy), and
    the decree it replaces is marked replaced."""
    if not can(actor, Perm.APPLY_ONBOARDING, region):
        raise OnboardingError(_("Anda hanya dapat mengunggah SK untuk daerah Anda."))
    if not appointees:
        message = _("Tuliskan paling sedikit satu pengelola yang ditetapkan dalam SK.")
        raise OnboardingError(message, {"appointees": [message]})
    if valid_until is not None and valid_until < decree_date:
        message = _("Tanggal berlaku sampai tidak boleh sebelum tanggal SK.")
        raise OnboardingError(message, {"valid_until": [message]})
    for person in appointees:
        if person.mpp.region_id != region.code:
            message = _("MPP %(mpp)s bukan milik %(region)s.") % {
                "mpp": person.mpp.name,
                "region": region.name,
            }
            raise OnboardingError(message, {"appointees": [message]})
    document = checked_upload(upload, "document", DECREE_RULE)
    decree = ManagerDecree(
        region=region,
        number=number.strip(),
        decree_date=decree_date,
        signatory=signatory.strip(),
        valid_until=valid_until,
        sha256=document.sha256,
        uploaded_by=actor,
    )
    document.save_to(decree.document, "sk")
    decree.save()
    now = timezone.now()
    ManagerDecree.objects.filter(region=region, replaced_at__isnull=True).exclude(
        pk=decree.pk
    ).update(replaced_by=decree, replaced_at=now)
    for person in appointees:
        invitation = _invite(
            name=person.name, email=person.email, role=Role.MPP_MANAGER, actor=actor,
            mpp=person.mpp, request=request,
        )  # fmt: skip
        DecreeAppointee.objects.create(
            decree=decree, name=person.name, email=person.email, position=person.position,
            mpp=person.mpp, invitation=invitation,
        )  # fmt: skip
    return decree
