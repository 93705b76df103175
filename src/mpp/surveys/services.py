"""Every write of the survey: questionnaires, invitations, responses, kiosks, follow-ups.

Each function is one transaction; a mistake of the caller raises :class:`SurveyError` with
messages per field and writes nothing.
"""

from __future__ import annotations

import datetime
import secrets
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mpp.accounts.models import hash_token
from mpp.notifications.services import notify
from mpp.surveys import ikm
from mpp.surveys.elements import standard_elements
from mpp.surveys.models import (
    POPULATION,
    RESPONDENTS,
    Answer,
    Channel,
    DaySum,
    FollowUp,
    Improvement,
    Invitation,
    KioskDevice,
    Questionnaire,
    QuestionnaireVersion,
    Response,
)
from mpp.surveys.units import Unit, units_of

ANSWERABLE_FOR = datetime.timedelta(days=30)

# Called with (response, {element: value}) in the response's transaction, after its day sums:
# layers above (the dashboards' daily facts) register here, since surveys cannot import them.
ResponseListener = Callable[[Response, Mapping[str, int]], None]
response_listeners: list[ResponseListener] = []


def on_response(listener: ResponseListener) -> ResponseListener:
    """Register ``listener`` once (registering it again is a no-op)."""
    if listener not in response_listeners:
        response_listeners.append(listener)
    return listener


KIOSK_TOKEN_PREFIX = "skmk_"  # noqa: S105 - a visible prefix, not a secret
PROFILE_FIELDS = ("age_band", "sex", "education", "occupation")


class SurveyError(Exception):
    """A refused write; ``errors`` maps a field ("U3", "weights", "token", ...) to messages."""

    def __init__(self, errors: Mapping[str, list[str] | str], *, code: str = "invalid"):
        self.errors = {
            key: [value] if isinstance(value, str) else list(value) for key, value in errors.items()
        }
        self.code = code
        super().__init__("; ".join(m for messages in self.errors.values() for m in messages))

    @property
    def message(self) -> str:
        return str(self)


# --- Questionnaires -----------------------------------------------------------------------------


def validate_elements(elements: Iterable[Mapping[str, Any]]) -> list[dict]:
    """Check a questionnaire's elements; returns them cleaned (weights as exact fraction text)."""
    cleaned: list[dict] = []
    errors: dict[str, list[str]] = defaultdict(list)
    codes: set[str] = set()
    weights: list[Fraction] = []
    for element in elements:
        code = str(element.get("code", "")).strip().upper()
        if not code or len(code) > 16 or code in codes:
            errors["elements"].append(_("Setiap unsur perlu kode yang unik (misalnya U10)."))
            continue
        codes.add(code)
        answers = [str(answer).strip() for answer in element.get("answers", [])]
        if len(answers) != len(ikm.SCALE) or not all(answers):
            errors[code].append(
                _("Unsur %(code)s perlu tepat empat pilihan jawaban.") % {"code": code}
            )
        if not str(element.get("name", "")).strip() or not str(element.get("question", "")).strip():
            errors[code].append(_("Unsur %(code)s perlu nama dan pertanyaan.") % {"code": code})
        try:
            weight = ikm.parse_weight(element.get("weight", ""))
        except (ValueError, ZeroDivisionError, TypeError):
            errors[code].append(
                _("Bobot unsur %(code)s ditulis sebagai pecahan (1/9) atau desimal (0,25).")
                % {"code": code}
            )
            continue
        if weight <= 0:
            errors[code].append(_("Bobot unsur %(code)s harus lebih dari 0.") % {"code": code})
        weights.append(weight)
        cleaned.append(
            {
                "code": code,
                "name": str(element["name"]).strip(),
                "question": str(element["question"]).strip(),
                "answers": answers,
                "weight": str(weight),
            }
        )
    missing = [f"U{n}" for n in range(1, 10) if f"U{n}" not in codes]
    if missing:
        errors["elements"].append(
            _("Sembilan unsur baku wajib ada; belum ada: %(codes)s.")
            % {"codes": ", ".join(missing)}
        )
    if not errors and not ikm.weights_sum_to_one(weights):
        total = sum(weights, Fraction(0))
        errors["weights"].append(
            _("Jumlah bobot harus tepat 1; sekarang %(total)s.") % {"total": str(total)}
        )
    if errors:
        raise SurveyError(errors)
    return cleaned


@transaction.atomic
def publish_version(
    questionnaire: Questionnaire,
    elements: Iterable[Mapping[str, Any]],
    *,
    actor=None,
    ask_suggestion: bool = True,
    ask_profile: bool = True,
    adopted_from: QuestionnaireVersion | None = None,
) -> QuestionnaireVersion:
    """A new version of ``questionnaire`` (earlier responses keep the version they answered)."""
    cleaned = validate_elements(elements)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    number = (
        questionnaire.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire,
        number=number,
        elements=cleaned,
        ask_suggestion=ask_suggestion,
        ask_profile=ask_profile,
        adopted_from=adopted_from,
        published_by=actor,
    )
    questionnaire.current_version = version
    questionnaire.save(update_fields=["current_version"])
    return version


def ensure_national_default() -> Questionnaire:
    """The ministry's national questionnaire (the nine standard elements, exact equal weights)."""
    questionnaire = (
        Questionnaire.objects.select_related("current_version")
        .filter(mpp=None, agency=None, service=None, current_version__isnull=False)
        .first()
    )
    return questionnaire or _create_national_default()


@transaction.atomic
def _create_national_default() -> Questionnaire:
    questionnaire, _created = Questionnaire.objects.get_or_create(
        mpp=None, agency=None, service=None
    )
    if questionnaire.current_version_id is None:
        publish_version(questionnaire, standard_elements())
        questionnaire.refresh_from_db()
    return questionnaire


@transaction.atomic
def adopt_national(*, mpp=None, agency=None, service=None, actor=None) -> Questionnaire:
    """A unit takes the national default as its own questionnaire (to adapt it afterwards)."""
    national = ensure_national_default()
    if service is not None:
        mpp, agency = service.mpp, service.agency
    questionnaire, _created = Questionnaire.objects.get_or_create(
        mpp=mpp, agency=agency, service=service
    )
    source = national.current_version
    if questionnaire.pk != national.pk:
        publish_version(
            questionnaire,
            source.elements,
            actor=actor,
            ask_suggestion=source.ask_suggestion,
            ask_profile=source.ask_profile,
            adopted_from=source,
        )
    questionnaire.refresh_from_db()
    return questionnaire


@transaction.atomic
def set_download_gate(questionnaire: Questionnaire, required: bool) -> Questionnaire:
    if questionnaire.service_id is None and required:
        raise SurveyError(
            {"required_before_download": _("Hanya kuesioner sebuah layanan yang dapat diwajibkan.")}
        )
    questionnaire.required_before_download = required
    questionnaire.save(update_fields=["required_before_download"])
    return questionnaire


def questionnaire_for(*, service_id=None, mpp_id=None, agency_id=None) -> Questionnaire:
    """The questionnaire that applies: the service's, else the agency at the MPP's, else the
    MPP's, else the national default."""
    candidates = Questionnaire.objects.filter(current_version__isnull=False).select_related(
        "current_version"
    )
    for lookup in (
        {"service_id": service_id} if service_id else None,
        {"service": None, "agency_id": agency_id, "mpp_id": mpp_id}
        if agency_id and mpp_id
        else None,
        {"service": None, "agency": None, "mpp_id": mpp_id} if mpp_id else None,
    ):
        if lookup is not None:
            found = candidates.filter(**lookup).first()
            if found is not None:
                return found
    return ensure_national_default()


# --- Day sums -----------------------------------------------------------------------------------


def local_day(moment: datetime.datetime, region) -> datetime.date:
    zone = zoneinfo.ZoneInfo(region.timezone if region is not None else "Asia/Jakarta")
    return timezone.localtime(moment, zone).date()


def bump(rows: Iterable[tuple[datetime.date, str, str, int, int]]) -> None:
    """Add (day, unit, element, total, count) to the day sums in one upsert statement."""
    merged: dict[tuple, list[int]] = {}
    for day, unit, element, total, count in rows:
        entry = merged.setdefault((day, unit, element), [0, 0])
        entry[0] += total
        entry[1] += count
    if not merged:
        return
    table = DaySum._meta.db_table
    placeholders = ", ".join(["(%s, %s, %s, %s, %s)"] * len(merged))
    params: list[Any] = []
    for (day, unit, element), (total, count) in merged.items():
        params += [day, unit, element, total, count]
    # Only the model's own table name and placeholders are formatted in; values are parameters.
    sql = (
        f'INSERT INTO {table} ("day", "unit", "element", "total", "count") VALUES {placeholders} '  # noqa: S608
        f'ON CONFLICT ("unit", "day", "element") DO UPDATE SET '
        f'"total" = {table}."total" + excluded."total", "count" = {table}."count" + excluded."count"'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _response_rows(response: Response, answers: Mapping[str, int]):
    for unit in units_of(
        region_id=response.region_id,
        mpp_id=response.mpp_id,
        agency_id=response.agency_id,
        service_id=response.service_id,
    ):
        yield response.day, unit.key, RESPONDENTS, 1, 1
        for code, value in answers.items():
            yield response.day, unit.key, code, value, 1


# --- Invitations --------------------------------------------------------------------------------


def _new_token() -> tuple[str, str]:
    raw = secrets.token_urlsafe(24)
    return raw, hash_token(raw)


def invite(obj, record) -> Invitation | None:
    """Workflow hook on a process's final state: invite its citizen, count the transaction.

    Idempotent (one invitation per transaction): a retried hook finds the invitation and stops.
    The process object provides ``skm_subject()`` (see docs/surveys.md).
    """
    from mpp.regions.models import Region

    subject = obj.skm_subject()
    content_type = ContentType.objects.get_for_model(type(obj))
    if Invitation.objects.filter(content_type=content_type, object_id=str(obj.pk)).exists():
        return None
    # The transition is the exact moment the transaction finished (a retried hook runs later).
    finished_at = record.at or subject.get("finished_at")
    region = Region.objects.filter(pk=subject.get("region_id")).first()
    raw, digest = _new_token()
    with transaction.atomic():
        try:
            with transaction.atomic():
                invitation = Invitation.objects.create(
                    content_type=content_type,
                    object_id=str(obj.pk),
                    workflow=record.workflow,
                    citizen=subject.get("citizen"),
                    region=region,
                    mpp_id=subject.get("mpp_id"),
                    agency_id=subject.get("agency_id"),
                    service_id=subject.get("service_id"),
                    officer_id=subject.get("officer_id"),
                    finished_at=finished_at,
                    day=local_day(finished_at, region),
                    expires_at=finished_at + ANSWERABLE_FOR,
                    token_hash=digest,
                )
        except IntegrityError:
            return None  # a concurrent run of the same hook got there first
        bump(
            (invitation.day, unit.key, POPULATION, 1, 1)
            for unit in units_of(
                region_id=invitation.region_id,
                mpp_id=invitation.mpp_id,
                agency_id=invitation.agency_id,
                service_id=invitation.service_id,
            )
        )
        citizen = invitation.citizen
        if citizen is not None and (
            not getattr(citizen, "is_light_record", False) or citizen.email or citizen.phone
        ):
            notify(
                citizen,
                "survey.invited",
                {
                    "unit_name": invitation.service.name if invitation.service_id else "",
                    "expires_at": invitation.expires_at,
                    "timezone": region.timezone if region else "Asia/Jakarta",
                },
                link=f"/skm/isi/{raw}/",
            )
    return invitation


def invitation_for_token(raw: str) -> Invitation:
    """The open invitation behind a one-time link, or SurveyError (unknown, used, expired)."""
    invitation = Invitation.objects.filter(token_hash=hash_token(raw or "")).first()
    if invitation is None:
        raise SurveyError({"token": _("Tautan survei ini tidak dikenal.")}, code="not_found")
    _check_open(invitation)
    return invitation


def _check_open(invitation: Invitation) -> None:
    if invitation.used_at is not None:
        raise SurveyError(
            {"token": _("Survei untuk layanan ini sudah diisi. Terima kasih.")}, code="used"
        )
    if timezone.now() >= invitation.expires_at:
        raise SurveyError(
            {"token": _("Masa pengisian survei ini (30 hari) sudah berakhir.")}, code="expired"
        )


# --- Responses ----------------------------------------------------------------------------------


@dataclass
class Submission:
    """What a respondent filled in (answers as submitted: text or numbers)."""

    answers: Mapping[str, Any]
    suggestion: str = ""
    profile: Mapping[str, str] = field(default_factory=dict)


def clean_submission(version: QuestionnaireVersion, submission: Submission) -> dict[str, int]:
    """The answers as {code: 1..4}, or SurveyError naming each missing or off-scale element."""
    from mpp.surveys.models import AgeBand, Education, Occupation, Sex

    errors: dict[str, list[str]] = {}
    answers: dict[str, int] = {}
    for element in version.elements:
        code = element["code"]
        value = submission.answers.get(code)
        if value in (None, ""):
            errors[code] = [_("Pilih jawaban untuk unsur %(name)s.") % {"name": element["name"]}]
            continue
        try:
            number = int(str(value))
        except ValueError:
            number = 0
        if number not in ikm.SCALE:
            errors[code] = [_("Jawaban harus salah satu dari 1, 2, 3, atau 4.")]
            continue
        answers[code] = number
    unknown = set(submission.answers) - set(version.codes())
    if unknown:
        errors["answers"] = [
            _("Unsur ini tidak ada di kuesioner: %(codes)s.")
            % {"codes": ", ".join(sorted(unknown))}
        ]
    if len(submission.suggestion or "") > 2000:
        errors["suggestion"] = [_("Saran paling banyak 2.000 karakter.")]
    choices = {"age_band": AgeBand, "sex": Sex, "education": Education, "occupation": Occupation}
    for name, value in (submission.profile or {}).items():
        if name not in choices:
            errors[name] = [_("Isian profil tidak dikenal.")]
        elif value and value not in choices[name].values:
            errors[name] = [_("Pilih salah satu pilihan yang tersedia.")]
    if errors:
        raise SurveyError(errors)
    return answers


@transaction.atomic
def _save_response(
    version: QuestionnaireVersion,
    submission: Submission,
    answers: dict[str, int],
    at: datetime.datetime | None = None,
    **fields,
) -> Response:
    from mpp.regions.models import Region

    now = at or timezone.now()
    region = Region.objects.get(pk=fields["region_id"])
    profile = {name: value for name, value in (submission.profile or {}).items() if value}
    response = Response.objects.create(
        version=version,
        answered_at=now,
        day=local_day(now, region),
        suggestion=(submission.suggestion or "").strip() if version.ask_suggestion else "",
        **(profile if version.ask_profile else {}),
        **fields,
    )
    Answer.objects.bulk_create(
        [Answer(response=response, element=code, value=value) for code, value in answers.items()]
    )
    bump(_response_rows(response, answers))
    for listener in response_listeners:
        listener(response, answers)
    return response


def submit_for_invitation(
    invitation: Invitation, submission: Submission, *, channel=Channel.INVITATION
) -> Response:
    """The citizen answers (web link, in-app, or mobile app): once, within 30 days."""
    _check_open(invitation)
    version = questionnaire_for(
        service_id=invitation.service_id, mpp_id=invitation.mpp_id, agency_id=invitation.agency_id
    ).current_version
    answers = clean_submission(version, submission)
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk, used_at__isnull=True, expires_at__gt=timezone.now()
        ).update(used_at=timezone.now())
        if not claimed:
            raise SurveyError(
                {"token": _("Survei untuk layanan ini sudah diisi. Terima kasih.")}, code="used"
            )
        try:
            with transaction.atomic():
                return _save_response(
                    version,
                    submission,
                    answers,
                    channel=channel,
                    invitation=invitation,
                    content_type_id=invitation.content_type_id,
                    object_id=invitation.object_id,
                    region_id=invitation.region_id,
                    mpp_id=invitation.mpp_id,
                    agency_id=invitation.agency_id,
                    service_id=invitation.service_id,
                    officer_id=invitation.officer_id,
                )
        except IntegrityError:
            raise SurveyError(
                {"token": _("Survei untuk layanan ini sudah diisi. Terima kasih.")}, code="used"
            ) from None


def submit_at_kiosk(
    kiosk: KioskDevice, submission: Submission, *, service=None, at: datetime.datetime | None = None
) -> Response:
    """An anonymous response from a registered kiosk (for its service, or another of its MPP);
    ``at`` backdates it (paper questionnaires typed in later, demo data)."""
    if kiosk.revoked_at is not None:
        raise SurveyError({"token": _("Perangkat kios ini sudah dicabut.")}, code="revoked")
    service = service or kiosk.service
    if service.mpp_id != kiosk.mpp_id:
        raise SurveyError({"service": _("Layanan ini tidak ada di MPP perangkat kios.")})
    version = questionnaire_for(
        service_id=service.pk, mpp_id=service.mpp_id, agency_id=service.agency_id
    ).current_version
    answers = clean_submission(version, submission)
    return _save_response(
        version,
        submission,
        answers,
        at=at,
        channel=Channel.KIOSK,
        kiosk=kiosk,
        region_id=kiosk.mpp.region_id,
        mpp_id=service.mpp_id,
        agency_id=service.agency_id,
        service_id=service.pk,
    )


# --- Kiosks -------------------------------------------------------------------------------------


@transaction.atomic
def register_kiosk(*, mpp, service, name: str, actor) -> tuple[KioskDevice, str]:
    """A kiosk device and its raw token (shown once; only its hash is stored)."""
    name = (name or "").strip()
    errors = {}
    if not name or len(name) > 100:
        errors["name"] = [_("Beri nama perangkat (paling banyak 100 karakter).")]
    if service is None or service.mpp_id != mpp.pk:
        errors["service"] = [_("Pilih layanan di MPP ini.")]
    if errors:
        raise SurveyError(errors)
    raw = KIOSK_TOKEN_PREFIX + secrets.token_urlsafe(24)
    device = KioskDevice.objects.create(
        mpp=mpp, service=service, name=name, token_hash=hash_token(raw), created_by=actor
    )
    return device, raw


@transaction.atomic
def revoke_kiosk(device: KioskDevice) -> KioskDevice:
    if device.revoked_at is None:
        device.revoked_at = timezone.now()
        device.save(update_fields=["revoked_at"])
    return device


def kiosk_for_token(raw: str) -> KioskDevice:
    device = (
        KioskDevice.objects.select_related("mpp", "service")
        .filter(token_hash=hash_token(raw or ""))
        .first()
    )
    if device is None:
        raise SurveyError({"token": _("Token perangkat kios tidak dikenal.")}, code="not_found")
    if device.revoked_at is not None:
        raise SurveyError({"token": _("Perangkat kios ini sudah dicabut.")}, code="revoked")
    return device


# --- Follow-up ----------------------------------------------------------------------------------


@transaction.atomic
def record_follow_up(response: Response, text: str, *, actor) -> FollowUp:
    text = (text or "").strip()
    if not text or len(text) > 2000:
        raise SurveyError({"text": _("Tulis tindak lanjut (paling banyak 2.000 karakter).")})
    follow_up, _created = FollowUp.objects.update_or_create(
        response=response,
        defaults={"text": text, "recorded_by": actor, "recorded_at": timezone.now()},
    )
    return follow_up


@transaction.atomic
def plan_improvement(unit: Unit, text: str, *, planned_for: str = "", actor) -> Improvement:
    text = (text or "").strip()
    errors = {}
    if not text or len(text) > 2000:
        errors["text"] = [_("Tulis rencana perbaikan (paling banyak 2.000 karakter).")]
    if len(planned_for or "") > 100:
        errors["planned_for"] = [_("Waktu pelaksanaan paling banyak 100 karakter.")]
    if errors:
        raise SurveyError(errors)
    return Improvement.objects.create(
        unit=unit.key, text=text, planned_for=(planned_for or "").strip(), recorded_by=actor
    )
