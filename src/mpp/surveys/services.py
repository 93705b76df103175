"""Every write of the survey: questionnaires, invitations, responses, kiosks, follow-ups.

Each function is one transaction; a mistake of the caller raises :class:`SurveyError` with
messages per field and writes nothing.
"""

from __future__ import annotations

import datetime
import math
import secrets
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Min, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from mpp.accounts import policy
from mpp.accounts.policy import Perm
from mpp.accounts.tokens import hash_token
from mpp.audit.models import AuditAction
from mpp.audit.services import record_event
from mpp.catalog.models import Service
from mpp.devices import services as device_services
from mpp.devices.models import Device
from mpp.devices.services import DeviceError
from mpp.errors import ServiceError
from mpp.notifications.services import notify
from mpp.parsing import parse_id
from mpp.regions.localtime import local_date, zone_name_of
from mpp.surveys import ikm, recompute
from mpp.surveys.elements import OFFICER_ELEMENT, standard_elements
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
    KioskVoid,
    OfficerDaySum,
    Questionnaire,
    QuestionnaireVersion,
    Response,
)
from mpp.surveys.units import Unit, officer_units_of, place_of, units_of
from mpp.workflows.hooks import hooks

if TYPE_CHECKING:
    from mpp.accounts.models import User
    from mpp.regions.localtime import RegionLike
    from mpp.tenancy.models import MPP, Agency
    from mpp.workflows.models import TransitionRecord

ANSWERABLE_FOR = datetime.timedelta(days=30)

# SKM events on the shared hooks registry (``mpp.workflows.hooks``), run in the event's own
# transaction: layers above (the dashboards' daily facts) register there in their ``ready()``,
# since surveys cannot import them.
# - ANSWERED: hook(response, {element: value}), after the response's day sums (and officer sums).
# - VOIDED: hook(kiosk_void, (first day, last day)), after the day sums of those local days were
#   recomputed; hooks recompute what they keep from the responses.
SKM_EVENTS = "skm_response"
ANSWERED = "answered"
VOIDED = "voided"


PROFILE_FIELDS = ("age_band", "sex", "education", "occupation")


class SurveyError(ServiceError):
    """A refused write; ``errors`` maps a field ("U3", "weights", "token", ...) to messages."""

    def __init__(self, errors: Mapping[str, list[str] | str], *, code: str = "invalid") -> None:
        super().__init__("", errors)
        self.code = code


class KioskRefused(SurveyError):
    """A kiosk answer refused before it was recorded: too soon after the device's last answer
    (``code="too_soon"``, ``retry_after`` in seconds) or from outside its networks
    (``code="network"``). Counted on the device as a refused attempt."""

    def __init__(self, message: str, *, code: str, retry_after: int = 0):
        super().__init__({"kiosk": message}, code=code)
        self.retry_after = retry_after


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
    actor: User | None = None,
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
def adopt_national(
    *,
    mpp: MPP | None = None,
    agency: Agency | None = None,
    service: Service | None = None,
    actor: User | None = None,
) -> Questionnaire:
    """A unit takes the national default as its own questionnaire (to adapt it afterwards)."""
    national = ensure_national_default()
    if service is not None:
        mpp, agency = service.mpp, service.agency
    questionnaire, _created = Questionnaire.objects.get_or_create(
        mpp=mpp, agency=agency, service=service
    )
    source = published_version(national)
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


def questionnaire_for(
    *, service_id: int | None = None, mpp_id: int | None = None, agency_id: int | None = None
) -> Questionnaire:
    """The questionnaire that applies: the service's, else the agency at the MPP's, else the
    MPP's, else the national default. One query: the candidates by their unique unit key, the
    most specific kept."""
    keys = [
        f"service:{service_id}" if service_id else None,
        f"presence:{agency_id}@{mpp_id}" if agency_id and mpp_id else None,
        f"mpp:{mpp_id}" if mpp_id else None,
        "national:",
    ]
    found = {
        questionnaire.unit_key: questionnaire
        for questionnaire in Questionnaire.objects.filter(
            unit_key__in=[key for key in keys if key], current_version__isnull=False
        ).select_related("current_version")
    }
    for key in keys:
        if key in found:
            return found[key]
    return ensure_national_default()


def published_version(questionnaire: Questionnaire) -> QuestionnaireVersion:
    """The version of a questionnaire the survey applies: :func:`questionnaire_for` and
    :func:`ensure_national_default` only return questionnaires that published one."""
    version = questionnaire.current_version
    if version is None:
        raise ValueError(f"Questionnaire {questionnaire.pk} has no published version.")
    return version


# --- Day sums -----------------------------------------------------------------------------------


def local_day(moment: datetime.datetime, region: RegionLike) -> datetime.date:
    return local_date(moment, region)


def bump(rows: Iterable[tuple[datetime.date, str, str, int, int]]) -> None:
    """Add (day, unit, element, total, count) to the day sums in one upsert statement."""
    _upsert(DaySum, "element", rows)


def bump_officers(rows: Iterable[tuple[datetime.date, str, int, int, int]]) -> None:
    """Add (day, unit, officer id, total, count) to the per-officer day sums in one upsert
    statement (none when there is nothing to add: a kiosk answer names no officer)."""
    _upsert(OfficerDaySum, "officer_id", rows)


def _upsert(model: type[DaySum | OfficerDaySum], third: str, rows: Iterable[tuple]) -> None:
    """Add (day, unit, <third key column>, total, count) to ``model``'s sums: one statement."""
    merged: dict[tuple, list[int]] = {}
    for day, unit, key, total, count in rows:
        entry = merged.setdefault((day, unit, key), [0, 0])
        entry[0] += total
        entry[1] += count
    if not merged:
        return
    table = model._meta.db_table
    placeholders = ", ".join(["(%s, %s, %s, %s, %s)"] * len(merged))
    params: list[Any] = []
    for (day, unit, key), (total, count) in merged.items():
        params += [day, unit, key, total, count]
    # Only the model's own table and column names and placeholders are formatted in; values are
    # parameters.
    sql = (
        f'INSERT INTO {table} ("day", "unit", "{third}", "total", "count") VALUES {placeholders} '  # noqa: S608
        f'ON CONFLICT ("unit", "day", "{third}") DO UPDATE SET '
        f'"total" = {table}."total" + excluded."total", "count" = {table}."count" + excluded."count"'
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _response_rows(response: Response, answers: Mapping[str, int]):
    for unit in units_of(**place_of(response)):
        yield response.day, unit.key, RESPONDENTS, 1, 1
        for code, value in answers.items():
            yield response.day, unit.key, code, value, 1


def _officer_rows(response: Response, answers: Mapping[str, int]):
    """The officer element's answer for each unit with per-officer sums (nothing without an
    officer: a kiosk answer, or a transaction no officer handled)."""
    value = answers.get(OFFICER_ELEMENT)
    if response.officer_id is None or value is None:
        return
    for unit in officer_units_of(**place_of(response)):
        yield response.day, unit.key, response.officer_id, value, 1


# --- Invitations --------------------------------------------------------------------------------


def _new_token() -> tuple[str, str]:
    raw = secrets.token_urlsafe(24)
    return raw, hash_token(raw)


# One visit often ends several transactions of one service (the application issued, the queue
# ticket served, a complaint closed): each is counted in the population, but the citizen is asked
# once. A transaction of the same service within this window brings no second message; its survey
# is still open on /skm/ (issue 23: three invitations within 8 minutes).
INVITATION_QUIET = datetime.timedelta(hours=24)


def _invited_lately(invitation: Invitation) -> bool:
    return (
        Invitation.objects.filter(
            # The same MPP and service; an invitation without one matches those without (NULL).
            Q(mpp_id=invitation.mpp_id, service_id=invitation.service_id),
            citizen_id=invitation.citizen_id,
            finished_at__gte=invitation.finished_at - INVITATION_QUIET,
            finished_at__lte=invitation.finished_at,
        )
        .exclude(pk=invitation.pk)
        .exists()
    )


def invite(obj: Any, record: TransitionRecord) -> Invitation | None:
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
            for unit in units_of(**place_of(invitation))
        )
        citizen = invitation.citizen
        if (
            citizen is not None
            and (not getattr(citizen, "is_light_record", False) or citizen.email or citizen.phone)
            and not _invited_lately(invitation)
        ):
            notify(
                citizen,
                "survey.invited",
                {
                    "unit_name": invitation.service.name if invitation.service else "",
                    "expires_at": invitation.expires_at,
                    "timezone": zone_name_of(region),
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


@transaction.atomic(savepoint=False)
def _save_response(
    version: QuestionnaireVersion,
    submission: Submission,
    answers: dict[str, int],
    at: datetime.datetime | None = None,
    region=None,
    **fields,
) -> Response:
    from mpp.regions.models import Region

    now = at or timezone.now()
    if region is None:
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
    bump_officers(_officer_rows(response, answers))
    hooks.run_in_transaction(SKM_EVENTS, ANSWERED, response, answers)
    return response


def submit_for_invitation(
    invitation: Invitation, submission: Submission, *, channel: str = Channel.INVITATION
) -> Response:
    """The citizen answers (web link, in-app, or mobile app): once, within 30 days."""
    _check_open(invitation)
    version = published_version(
        questionnaire_for(
            service_id=invitation.service_id,
            mpp_id=invitation.mpp_id,
            agency_id=invitation.agency_id,
        )
    )
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
                    officer_id=invitation.officer_id,
                    **place_of(invitation),
                )
        except IntegrityError:
            raise SurveyError(
                {"token": _("Survei untuk layanan ini sudah diisi. Terima kasih.")}, code="used"
            ) from None


def submit_at_kiosk(
    kiosk: KioskDevice,
    submission: Submission,
    *,
    service: Service | None = None,
    client_ip: str | None = None,
    at: datetime.datetime | None = None,
) -> Response:
    """An anonymous response from a registered kiosk (for its service, or another of its MPP).

    A live answer (``at`` empty: the web kiosk and the API) must come from one of the device's
    registered networks, when it has any, and at most one per the device's interval
    (:class:`KioskRefused` otherwise, counted on the device). ``at`` backdates an answer typed
    in later from paper or generated as demo data: no request carries it, so no device check.
    """
    device = kiosk.device
    problem = device_services.refusal(device)
    if problem is not None:
        raise SurveyError(problem.errors, code=problem.code)
    service = service or kiosk.service
    if service.mpp_id != device.mpp_id:
        raise SurveyError({"service": _("Layanan ini tidak ada di MPP perangkat kios.")})
    live = at is None
    if live and not device_services.address_allowed(device, client_ip):
        _count_refusal(kiosk, "refused_network")
        raise KioskRefused(
            _(
                "Perangkat kios ini hanya dapat mengirim penilaian dari jaringan MPP yang "
                "terdaftar. Hubungi pengelola MPP."
            ),
            code="network",
        )
    version = published_version(
        questionnaire_for(service_id=service.pk, mpp_id=service.mpp_id, agency_id=service.agency_id)
    )
    answers = clean_submission(version, submission)
    fields = {
        "channel": Channel.KIOSK,
        "kiosk": kiosk,
        "region": device.mpp.region,
        "region_id": device.mpp.region_id,
        "mpp_id": service.mpp_id,
        "agency_id": service.agency_id,
        "service_id": service.pk,
    }
    if not live:
        return _save_response(version, submission, answers, at=at, **fields)
    now = timezone.now()
    with transaction.atomic():
        if _claim_slot(kiosk, now):
            return _save_response(version, submission, answers, at=now, **fields)
    # Outside the transaction above, so the count stays although the answer is refused.
    last = _count_refusal(kiosk, "refused_too_soon")
    waited = (now - last).total_seconds() if last else kiosk.interval_seconds
    raise KioskRefused(
        _("Terima kasih, mohon tunggu sebentar sebelum penilaian berikutnya."),
        code="too_soon",
        retry_after=max(1, math.ceil(kiosk.interval_seconds - waited)),
    )


def _claim_slot(kiosk: KioskDevice, now: datetime.datetime) -> bool:
    """Take the device's next answer slot: one conditional UPDATE, so of two answers racing for
    the same slot exactly one is recorded (the other sees the first one's ``last_answer_at``)."""
    ready = now - datetime.timedelta(seconds=kiosk.interval_seconds)
    return bool(
        KioskDevice.objects.filter(pk=kiosk.pk)
        .filter(Q(last_answer_at__isnull=True) | Q(last_answer_at__lte=ready))
        .update(last_answer_at=now)
    )


def _count_refusal(kiosk: KioskDevice, counter: str) -> datetime.datetime | None:
    """Count a refused attempt on the device; returns the time of its last accepted answer."""
    KioskDevice.objects.filter(pk=kiosk.pk).update(
        **{counter: F(counter) + 1}, last_refused_at=timezone.now()
    )
    return KioskDevice.objects.filter(pk=kiosk.pk).values_list("last_answer_at", flat=True).first()


# --- Kiosks -------------------------------------------------------------------------------------
# The device itself (register, token, rotate, revoke, pairing, networks) is ``mpp.devices``; the
# SKM kiosk adds its service, interval and refusal counts (``KioskDevice``).


def attach_kiosk(device: Device, choice: str) -> KioskDevice:
    """The SKM kiosk's own row for a device just registered: the service it asks about (a
    published service of the device's MPP, ``choice`` is its id)."""
    service = Service.objects.filter(
        pk=parse_id(choice) or 0,
        mpp_id=device.mpp_id,
        retired_at__isnull=True,
        current_version__isnull=False,
    ).first()
    if service is None:
        raise SurveyError({"choice": _("Pilih layanan di MPP ini untuk kios SKM.")})
    return KioskDevice.objects.create(device=device, service=service)


MAX_INTERVAL_SECONDS = 3600


def _check_manager(actor, device: KioskDevice) -> None:
    if not policy.can(actor, Perm.MANAGE_SURVEYS, device):
        raise PermissionDenied


@transaction.atomic
def configure_kiosk(
    device: KioskDevice,
    *,
    networks: str,
    min_interval: str,
    actor: User,
    request: HttpRequest | None = None,
) -> KioskDevice:
    """The manager ties the device to the MPP's networks and sets its interval (empty: the
    default of the settings)."""
    _check_manager(actor, device)
    errors: dict[str, list[str]] = {}
    try:
        parsed = device_services.parse_networks(networks)
    except DeviceError as error:
        errors |= error.errors
    interval_text = (min_interval or "").strip()
    interval = None
    if interval_text:
        if not (interval_text.isdecimal() and len(interval_text) <= 6) or not (
            1 <= int(interval_text) <= MAX_INTERVAL_SECONDS
        ):
            errors["min_interval"] = [
                _("Jeda ditulis dalam detik, 1 sampai %(max)s.") % {"max": MAX_INTERVAL_SECONDS}
            ]
        else:
            interval = int(interval_text)
    if errors:
        raise SurveyError(errors)
    device_services.set_networks(device.device, parsed)
    device.min_interval_seconds = interval
    device.save(update_fields=["min_interval_seconds"])
    record_event(
        AuditAction.KIOSK_CONFIGURED,
        actor=actor,
        target=device,
        summary=f"SKM kiosk {device.pk}: {len(parsed)} networks, interval {device.interval_seconds}s",
        request=request,
        data={"networks": parsed, "min_interval_seconds": interval},
    )
    return device


def answers_to_void(
    device: KioskDevice, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[Response]:
    """The device's counted answers in [start, end)."""
    return Response.objects.filter(
        kiosk=device, void__isnull=True, answered_at__gte=start, answered_at__lt=end
    )


def check_void_period(
    start: datetime.datetime | None, end: datetime.datetime | None
) -> tuple[datetime.datetime, datetime.datetime]:
    """SurveyError unless ``start`` < ``end``, both given (the period is [start, end)); the
    period otherwise."""
    if start is None or end is None:
        raise SurveyError({"start": _("Isi tanggal dan jam mulai dan sampai.")})
    if end <= start:
        raise SurveyError({"end": _("Waktu sampai harus sesudah waktu mulai.")})
    return start, end


@transaction.atomic
def void_kiosk_answers(
    device: KioskDevice,
    *,
    start: datetime.datetime | None,
    end: datetime.datetime | None,
    reason: str,
    actor: User,
    request: HttpRequest | None = None,
) -> KioskVoid:
    """Void the device's answers in [start, end): the rows stay, marked with who, when and why;
    the day sums of their days are recomputed from the remaining rows (``recompute.compare``,
    the code of ``recompute_skm_sums --fix``) in the same transaction, and so is what the layers
    above keep (the hooks of the ``voided`` event)."""
    _check_manager(actor, device)
    start, end = check_void_period(start, end)
    reason = (reason or "").strip()
    if not reason or len(reason) > 500:
        raise SurveyError({"reason": _("Tulis alasan pembatalan (paling banyak 500 karakter).")})
    _lock_day_sums()
    days = answers_to_void(device, start, end).aggregate(first=Min("day"), last=Max("day"))
    if days["first"] is None:
        raise SurveyError(
            {"start": _("Tidak ada jawaban perangkat ini yang dapat dibatalkan pada rentang itu.")}
        )
    record = KioskVoid.objects.create(
        device=device, start=start, end=end, reason=reason, voided_by=actor
    )
    record.responses = answers_to_void(device, start, end).update(void=record)
    record.save(update_fields=["responses"])
    recompute.compare(days["first"], days["last"], fix=True)
    hooks.run_in_transaction(SKM_EVENTS, VOIDED, record, (days["first"], days["last"]))
    record_event(
        AuditAction.KIOSK_ANSWERS_VOIDED,
        actor=actor,
        target=device,
        summary=f"SKM kiosk {device.pk}: {record.responses} answers voided",
        request=request,
        data={
            "void": record.pk,
            "responses": record.responses,
            "start": start.isoformat(),
            "end": end.isoformat(),
        },
    )
    return record


def _lock_day_sums() -> None:
    """On PostgreSQL, hold off the day-sum upserts of concurrent responses until the void
    commits: an answer that bumped before waits to commit first (the lock waits for it), one
    that bumps after adds to the recomputed sums. Both tables, in the order a response bumps
    them (``DaySum`` first), since the recompute may rewrite either. SQLite serialises writers
    already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (DaySum, OfficerDaySum):
                cursor.execute(f"LOCK TABLE {model._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")


# --- Follow-up ----------------------------------------------------------------------------------


@transaction.atomic
def record_follow_up(response: Response, text: str, *, actor: User) -> FollowUp:
    text = (text or "").strip()
    if not text or len(text) > 2000:
        raise SurveyError({"text": _("Tulis tindak lanjut (paling banyak 2.000 karakter).")})
    follow_up, _created = FollowUp.objects.update_or_create(
        response=response,
        defaults={"text": text, "recorded_by": actor, "recorded_at": timezone.now()},
    )
    return follow_up


@transaction.atomic
def plan_improvement(unit: Unit, text: str, *, planned_for: str = "", actor: User) -> Improvement:
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
