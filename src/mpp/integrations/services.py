"""Every write of the integrations: configurations, verifications, the key rotation."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from mpp.accounts.policy import Perm, can
from mpp.audit.models import AccessKind, AuditAction
from mpp.audit.services import record_event, record_system_access
from mpp.deadlines.retry import backoff
from mpp.errors import ServiceError
from mpp.integrations import clock, crypto, dukcapil, satusehat
from mpp.integrations.client import Connection, Unavailable
from mpp.integrations.models import ConnectorConfig, Outcome, Verification, VerificationState
from mpp.integrations.registry import connectors
from mpp.registry import Registry

if TYPE_CHECKING:
    from mpp.accounts.models import User
    from mpp.regions.models import Region

# A verification the sweep handed to a task is not handed out again for this long (the task may
# still be running); after it, a task that died is replaced.
CLAIM = datetime.timedelta(minutes=10)
SWEEP_BATCH = 200
# How long the enabled configurations are kept in the cache at most (a change clears them at once).
CONFIGS_SECONDS = 3600


# What a new check of the same purpose starts again from (the rest of the row is kept).
FRESH_FIELDS = (
    "region",
    "reference",
    "sealed_query",
    "state",
    "elements",
    "score",
    "attempts",
    "due_at",
    "clock_stopped_at",
    "breached_at",
)


class IntegrationError(ServiceError):
    pass


# --- Configuration -------------------------------------------------------------------------------


def save_config(
    *,
    user: User,
    connector_key: str,
    region: Region | None,
    enabled: bool,
    endpoint: str,
    options: dict[str, str],
    new_secrets: dict[str, str],
) -> ConnectorConfig:
    """Create or change a region's (or the national) configuration of one connector.

    A secret left empty keeps the stored one: secrets are write-only, never shown back.
    """
    connector = connectors.find(connector_key)
    if connector is None:
        raise IntegrationError(_("Konektor ini tidak dikenal."), status=404)
    config = ConnectorConfig.objects.filter(connector=connector_key, region=region).first()
    config = config or ConnectorConfig(connector=connector_key, region=region)
    if not can(user, Perm.MANAGE_INTEGRATIONS, config):
        raise IntegrationError(_("Anda tidak berwenang mengatur konektor ini."), status=403)
    secrets = crypto.unseal(config.sealed_secrets) if config.sealed_secrets else {}
    secrets.update({name: value for name, value in new_secrets.items() if value})
    missing = [
        s.name
        for s in connector.settings
        if s.required and enabled and not (secrets.get(s.name) if s.secret else options.get(s.name))
    ]
    if (
        enabled
        and not endpoint
        and not (connector.default_endpoint and connector.default_endpoint())
    ):
        missing.insert(0, "endpoint")
    if missing:
        raise IntegrationError(
            _("Lengkapi isian ini sebelum konektor diaktifkan."),
            {name: [_("Wajib diisi untuk konektor yang aktif.")] for name in missing},
        )
    config.enabled = enabled
    config.endpoint = endpoint
    config.options = {s.name: options.get(s.name, "") for s in connector.settings if not s.secret}
    config.sealed_secrets = crypto.seal(secrets)
    config.updated_by = user
    with transaction.atomic():
        config.save()
        record_event(
            AuditAction.INTEGRATION_CONFIGURED,
            actor=user,
            target=config,
            summary=f"{connector_key} {config.region_id or 'nasional'} "
            + ("aktif" if enabled else "nonaktif"),
        )
    return config


def rotate_secrets() -> int:
    """Re-seal every configuration's secrets under the first key (key rotation)."""
    count = 0
    for config in ConnectorConfig.objects.exclude(sealed_secrets=""):
        ConnectorConfig.objects.filter(pk=config.pk).update(
            sealed_secrets=crypto.reseal(config.sealed_secrets)
        )
        count += 1
    configs_changed()  # .update() sends no post_save
    return count


CONFIGS_KEY = "integrations:configs"


def configs_changed(sender: object = None, **kwargs: object) -> None:
    """Signal receiver and hook for writes of connector configurations: the cached enabled ones
    (:func:`enabled_configs`) are stale now and again after the commit (a read in between stored
    the old rows under the old generation)."""
    generation = time.time_ns()
    cache.set(CONFIGS_KEY, generation, timeout=None)
    transaction.on_commit(lambda: cache.set(CONFIGS_KEY, time.time_ns(), timeout=None))


def enabled_configs(connector_key: str) -> dict[str | None, ConnectorConfig]:
    """The connector's enabled configurations by kab/kota code (None: the national one), from the
    cache until a configuration changes (one query on a miss): a submission that starts a check
    reads no configuration row."""
    generation = cache.get(CONFIGS_KEY)
    if generation is None:
        cache.add(CONFIGS_KEY, time.time_ns(), timeout=None)
        generation = cache.get(CONFIGS_KEY, 0)
    key = f"{CONFIGS_KEY}:{generation}:{connector_key}"
    found: dict[str | None, ConnectorConfig] | None = cache.get(key)
    if found is None:
        found = {
            config.region_id: config
            for config in ConnectorConfig.objects.filter(connector=connector_key, enabled=True)
        }
        cache.set(key, found, CONFIGS_SECONDS)
    return found


def connection_for(connector_key: str, region_id: str | None) -> Connection | None:
    """The enabled configuration of the region, else the enabled national one, else None."""
    connector = connectors.find(connector_key)
    if connector is None:
        return None
    enabled = enabled_configs(connector_key)
    config = enabled.get(region_id) if region_id else None
    if config is None:  # the national default (or the one configuration of a national connector)
        config = enabled.get(None)
    if config is None:
        return None
    try:
        secrets = crypto.unseal(config.sealed_secrets)
    except crypto.SecretsUnreadable:
        return None
    return Connection(connector=connector, config=config, secrets=secrets)


# --- Dukcapil NIK verification -------------------------------------------------------------------

PURPOSE_REGISTRATION = "registration"


def _cache_key(query: dukcapil.NikQuery) -> str:
    """A keyed hash of what was asked: the cache holds no NIK and cannot be turned back into one."""
    asked = "|".join(
        [query.nik, query.name.strip().upper(), query.birth_date.isoformat(), query.birth_place]
    )
    digest = hmac.new(settings.MPP_NIK_PEPPER.encode(), asked.encode(), hashlib.sha256)
    return "integrations:dukcapil:" + digest.hexdigest()


def verify_nik(
    connection: Connection, query: dukcapil.NikQuery, *, subject_id: int | None, reference: str
) -> dukcapil.NikAnswer:
    """One look-up by elements: from the cache when asked recently, else from Dukcapil.

    Every look-up is in the citizen's access log. Raises :class:`Unavailable` when Dukcapil gives
    no answer.
    """
    if subject_id is not None:
        record_system_access(
            subject_id=subject_id,
            source=str(connection.connector.name),
            kind=AccessKind.NIK_CHECK,
            reference=reference,
        )
    key = _cache_key(query)
    cached = _cached_answer(key)
    if isinstance(cached, dict):
        return dukcapil.NikAnswer(**cached)
    verifier: dukcapil.NikVerifier = connection.connector.build(connection)
    answer = verifier.verify(query)
    _cache_answer(key, asdict(answer))
    return answer


def person_cache_key(nik: str) -> str:
    """Where the cache keeps what Dukcapil holds of ``nik``: a keyed hash, never the NIK."""
    digest = hmac.new(settings.MPP_NIK_PEPPER.encode(), b"data|" + nik.encode(), hashlib.sha256)
    return "integrations:dukcapil:data:" + digest.hexdigest()


def _cache_answer(key: str, data: dict[str, Any]) -> None:
    """Keep what Dukcapil answered for a while, sealed: the shared cache never holds it readable."""
    cache.set(key, crypto.seal_json(data), settings.MPP_DUKCAPIL_CACHE_SECONDS)


def _cached_answer(key: str) -> dict[str, Any] | None:
    """What :func:`_cache_answer` kept, or None (absent, or sealed under a retired key)."""
    token = cache.get(key)
    if not isinstance(token, str):
        return None
    try:
        data = crypto.unseal_json(token)
    except crypto.SecretsUnreadable:
        return None
    return data if isinstance(data, dict) else None


def person_data(
    *, subject_id: int, nik: str, region_id: str | None, reference: str
) -> dukcapil.PersonData | None:
    """What Dukcapil holds of ``nik``, to fill in a form; None when it cannot be had now.

    Under the agreement of ``region_id`` (else the national default); nothing is asked when
    neither is enabled. The answer is cached like a verification (keyed hash, bounded time) and
    kept nowhere else: the caller puts into the form only the fields the form asks for. Every
    look-up, cached or not, is in the citizen's access log.
    """
    connection = connection_for(dukcapil.KEY, region_id)
    if connection is None:
        return None
    record_system_access(
        subject_id=subject_id,
        source=str(connection.connector.name),
        kind=AccessKind.NIK_DATA,
        reference=reference,
    )
    key = person_cache_key(nik)
    cached = _cached_answer(key)
    if cached is not None:
        return _person_from(cached) if cached else None
    verifier: dukcapil.NikVerifier = connection.connector.build(connection)
    try:
        person = verifier.person(nik)
    except Unavailable:
        return None
    _cache_answer(key, _person_to(person) if person else {})
    return person


def _person_to(person: dukcapil.PersonData) -> dict[str, Any]:
    data = asdict(person)
    data["birth_date"] = person.birth_date.isoformat() if person.birth_date else None
    return data


def _person_from(data: dict[str, Any]) -> dukcapil.PersonData:
    born = data.get("birth_date")
    return dukcapil.PersonData(
        **{**data, "birth_date": datetime.date.fromisoformat(born) if born else None}
    )


def _region_of_nik(nik: str) -> str | None:
    """The kab/kota that issued the NIK (its first four digits): whose agreement is used."""
    return nik[:4] if len(nik) >= 4 and nik[:4].isdigit() else None


def check_new_citizen(user: User) -> None:
    """Registration check: the account's own data, against the agreement of the NIK's kab/kota."""
    if not user.nik or user.birth_date is None:
        return
    start_nik_check(
        subject=user,
        purpose=PURPOSE_REGISTRATION,
        region_id=_region_of_nik(user.nik),
        reference=_("Verifikasi pendaftaran akun"),
    )


def start_practitioner_check(
    *, subject: User, purpose: str, region_id: str | None, reference: str
) -> Verification | None:
    """A pending SATUSEHAT SDMK look-up of ``subject``'s NIK, run by a task after the commit
    (None: neither the kab/kota nor the nation has the connector enabled)."""
    return _start(
        satusehat.KEY, subject=subject, purpose=purpose, region_id=region_id, reference=reference
    )


def start_nik_check(
    *,
    subject: User,
    purpose: str,
    region_id: str | None,
    reference: str,
    query: dukcapil.NikQuery | None = None,
) -> Verification | None:
    """A pending Dukcapil check of ``subject``, run by a task after the commit of the caller.

    ``query`` is what was typed (at a counter, say) when it is not the account's own data; it is
    kept sealed on the row until the check is settled. Nothing is created (None) when neither the
    kab/kota nor the nation has an enabled agreement: no claim is made about the person then.
    """
    sealed = (
        crypto.seal(
            {
                "nik": query.nik,
                "name": query.name,
                "birth_date": query.birth_date.isoformat(),
                "birth_place": query.birth_place,
            }
        )
        if query is not None
        else ""
    )
    return _start(
        dukcapil.KEY,
        subject=subject,
        purpose=purpose,
        region_id=region_id,
        reference=reference,
        sealed_query=sealed,
    )


def _start(
    connector_key: str,
    *,
    subject: User,
    purpose: str,
    region_id: str | None,
    reference: str,
    sealed_query: str = "",
) -> Verification | None:
    """A pending check (a new one, or the same purpose's again), run by a task after the commit;
    None when neither the kab/kota nor the nation has the connector enabled."""
    connection = connection_for(connector_key, region_id)
    if connection is None:
        return None
    # A fresh pending state: the same purpose's row again (a resubmission) or a new one, in one
    # statement (INSERT … ON CONFLICT DO UPDATE on the unique subject, connector and purpose).
    verification = Verification(
        subject=subject,
        connector=connector_key,
        purpose=purpose,
        region_id=connection.region_id,
        reference=str(reference)[:40],
        sealed_query=sealed_query,
        state=VerificationState.PENDING,
        elements={},
        score=None,
        attempts=0,
        due_at=clock.now() + CLAIM,
        clock_stopped_at=None,
        breached_at=None,
    )
    Verification.objects.bulk_create(
        [verification],
        update_conflicts=True,
        unique_fields=["subject", "connector", "purpose"],
        update_fields=list(FRESH_FIELDS),
    )
    from mpp.integrations.tasks import run_verification

    transaction.on_commit(lambda: run_verification.enqueue(verification.pk))
    return verification


def _query_for(verification: Verification) -> dukcapil.NikQuery | None:
    if verification.sealed_query:
        try:
            sealed = crypto.unseal(verification.sealed_query)
        except crypto.SecretsUnreadable:
            return None
        return dukcapil.NikQuery(
            nik=sealed["nik"],
            name=sealed["name"],
            birth_date=datetime.date.fromisoformat(sealed["birth_date"]),
            birth_place=sealed.get("birth_place", ""),
        )
    subject: Any = verification.subject
    if not subject.nik or subject.birth_date is None:
        return None
    return dukcapil.NikQuery(nik=subject.nik, name=subject.name, birth_date=subject.birth_date)


@dataclass(frozen=True)
class Settled:
    """A connector's answer to one verification, as the row keeps it."""

    matched: bool
    elements: dict[str, Any]
    score: int | None = None


class NoData(Exception):
    """Nothing to send (the account has no NIK any more, the sealed query is unreadable)."""


def _ask_dukcapil(verification: Verification) -> Settled:
    query = _query_for(verification)
    if query is None:
        raise NoData
    connection = connection_for(
        verification.connector, verification.region_id or _region_of_nik(query.nik)
    )
    if connection is None:
        raise Unavailable(Outcome.UNREACHABLE)  # the region switched it off meanwhile
    answer = verify_nik(
        connection, query, subject_id=verification.subject_id, reference=verification.reference
    )
    return Settled(answer.matched, dict(answer.elements), answer.score)


# Why a practitioner check is "tidak cocok" (kept on the row; the message is the process's).
NOT_REGISTERED = "not_registered"
STR_EXPIRED = "str_expired"


def _ask_satusehat(verification: Verification) -> Settled:
    subject: Any = verification.subject
    if not subject.nik:
        raise NoData
    connection = connection_for(verification.connector, verification.region_id)
    if connection is None:
        raise Unavailable(Outcome.UNREACHABLE)
    record_system_access(
        subject_id=subject.pk,
        source=str(connection.connector.name),
        kind=AccessKind.PRACTITIONER_CHECK,
        reference=verification.reference,
    )
    registry: satusehat.PractitionerRegistry = connection.connector.build(connection)
    answer = registry.practitioner(subject.nik)
    until = answer.str_valid_until
    elements: dict[str, Any] = {
        "ihs_number": answer.ihs_number,
        "str_number": answer.str_number,
        "str_valid_until": until.isoformat() if until else "",
    }
    if not answer.found:
        return Settled(False, {**elements, "reason": NOT_REGISTERED})
    if until is not None and until < clock.now().date():
        return Settled(False, {**elements, "reason": STR_EXPIRED})
    return Settled(True, elements)


ASK: dict[str, Callable[[Verification], Settled]] = {
    dukcapil.KEY: _ask_dukcapil,
    satusehat.KEY: _ask_satusehat,
}

# What a process does when one of its checks is settled: purpose prefix (before the first colon)
# → a function of the settled row (cases holds a SIP application whose check did not match).
settled_listeners: Registry[str, Callable[[Verification], None]] = Registry(
    "verification settled listeners"
)


def run_verification(verification_id: int) -> str:
    """Try one verification now; settle it, or mark it "akan dicek ulang" with the next try."""
    verification = Verification.objects.select_related("subject").filter(pk=verification_id).first()
    if verification is None or verification.settled:
        return "settled"
    now = clock.now()
    try:
        answer = ASK[verification.connector](verification)
    except NoData:
        return "no data"
    except Unavailable:
        attempts = verification.attempts + 1
        Verification.objects.filter(pk=verification.pk).update(
            state=VerificationState.UNAVAILABLE,
            attempts=attempts,
            checked_at=now,
            due_at=now + backoff(attempts),
            breached_at=None,
        )
        return VerificationState.UNAVAILABLE
    state = VerificationState.MATCHED if answer.matched else VerificationState.NOT_MATCHED
    Verification.objects.filter(pk=verification.pk).update(
        state=state,
        elements=answer.elements,
        score=answer.score,
        attempts=verification.attempts + 1,
        checked_at=now,
        due_at=None,
        breached_at=None,
        clock_stopped_at=now,
        sealed_query="",  # settled: what was asked is no longer needed
    )
    verification.refresh_from_db()
    listener = settled_listeners.find(verification.purpose.split(":", 1)[0])
    if listener is not None:
        listener(verification)
    return state


def retry_due_verifications(now: datetime.datetime) -> dict[str, int]:
    """The sweep's step: hand every verification whose next try has come to a task.

    Each row is claimed first (its next try moved ``CLAIM`` ahead), so a second sweep or scheduler
    does not hand it out twice; a task that died leaves it due again after the claim.
    """
    from mpp.integrations.tasks import run_verification

    due = list(
        Verification.objects.filter(
            state__in=[VerificationState.PENDING, VerificationState.UNAVAILABLE],
            clock_stopped_at__isnull=True,
            due_at__lte=now,
        )
        .order_by("due_at")
        .values_list("pk", "due_at")[:SWEEP_BATCH]
    )
    handed = 0
    for pk, due_at in due:
        if Verification.objects.filter(pk=pk, due_at=due_at).update(due_at=now + CLAIM):
            run_verification.enqueue(pk)
            handed += 1
    return {"verifications": handed}
