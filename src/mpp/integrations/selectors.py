"""Reads of the integrations, scoped to the person asking."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from mpp.accounts.policy import Perm, Principal, grants_for, scope_filter
from mpp.integrations import clock
from mpp.integrations.models import (
    Breaker,
    BreakerState,
    Call,
    ConnectorConfig,
    Outcome,
    Verification,
    VerificationState,
)
from mpp.integrations.registry import Connector, connectors
from mpp.regions.models import Region

if TYPE_CHECKING:
    from mpp.accounts.models import User

WINDOW = datetime.timedelta(hours=24)


def is_national(user: Principal) -> bool:
    return any(not g.region_id for g in grants_for(user, Perm.MANAGE_INTEGRATIONS))


def regions_for(user: Principal) -> QuerySet[Region]:
    """The kab/kota whose connectors ``user`` configures (every one for a national admin)."""
    return Region.objects.filter(
        scope_filter(user, Perm.MANAGE_INTEGRATIONS, agency=None, mpp=None, region="code")
    ).order_by("code")


def configs_for(user: Principal) -> QuerySet[ConnectorConfig]:
    visible = scope_filter(user, Perm.MANAGE_INTEGRATIONS, agency=None, mpp=None, region="region")
    if is_national(user):
        visible |= Q(region__isnull=True)
    return ConnectorConfig.objects.filter(visible).select_related("region")


def percentile(values: list[int], share: float) -> int | None:
    """The nearest-rank percentile (``share`` in 0–1) of sorted ``values``."""
    if not values:
        return None
    rank = max(1, -(-len(values) * share // 1))
    return values[int(rank) - 1]


@dataclass(frozen=True)
class Health:
    connector: Connector
    config: ConnectorConfig
    state: str  # "disabled", or a BreakerState
    state_label: str
    last_success: datetime.datetime | None
    last_failure: datetime.datetime | None
    calls: int
    error_rate: float | None  # share of the calls of the last 24 h that failed, 0–1
    p50_ms: int | None
    p95_ms: int | None


def health_for(user: Principal) -> list[Health]:
    """Each visible configuration's state and its last 24 hours (four queries in all)."""
    configs = list(configs_for(user).order_by("connector", "region_id"))
    since = clock.now() - WINDOW
    keys = {(c.connector, c.region_id) for c in configs}
    breakers = {
        (b.connector, b.region_id): b
        for b in Breaker.objects.filter(connector__in={k for k, _ in keys})
        if (b.connector, b.region_id) in keys
    }
    calls: dict[tuple[str, str | None], list[tuple[str, int | None]]] = {k: [] for k in keys}
    rows = (
        Call.objects.filter(at__gte=since, connector__in={k for k, _ in keys})
        .exclude(outcome=Outcome.CIRCUIT_OPEN)
        .values_list("connector", "region_id", "outcome", "latency_ms")
    )
    for connector_key, region_id, outcome, latency in rows:
        if (connector_key, region_id) in calls:
            calls[(connector_key, region_id)].append((outcome, latency))
    result = []
    labels = dict(BreakerState.choices)
    for config in configs:
        connector = connectors.find(config.connector)
        if connector is None:
            continue
        breaker = breakers.get((config.connector, config.region_id))
        state = (
            (breaker.state if breaker else BreakerState.CLOSED) if config.enabled else "disabled"
        )
        made = calls[(config.connector, config.region_id)]
        latencies = sorted(latency for _, latency in made if latency is not None)
        failed = sum(1 for outcome, _ in made if outcome != Outcome.OK)
        result.append(
            Health(
                connector=connector,
                config=config,
                state=state,
                state_label=str(labels.get(state, "")),
                last_success=breaker.last_success_at if breaker else None,
                last_failure=breaker.last_failure_at if breaker else None,
                calls=len(made),
                error_rate=failed / len(made) if made else None,
                p50_ms=percentile(latencies, 0.5),
                p95_ms=percentile(latencies, 0.95),
            )
        )
    return result


# The window of the call counts /metrics shows (a scrape every 15–60 s sees each call many times).
METRICS_WINDOW = datetime.timedelta(minutes=15)


def breaker_counts() -> dict[tuple[str, str], int]:
    """(connector, breaker state) → how many region configurations are in it (for /metrics)."""
    rows = Breaker.objects.order_by().values_list("connector", "state").annotate(n=Count("pk"))
    return {(connector, state): n for connector, state, n in rows}


def recent_call_counts() -> dict[tuple[str, str], int]:
    """(connector, outcome) → calls in the last :data:`METRICS_WINDOW` (for /metrics)."""
    rows = (
        Call.objects.filter(at__gte=clock.now() - METRICS_WINDOW)
        .order_by()
        .values_list("connector", "outcome")
        .annotate(n=Count("pk"))
    )
    return {(connector, outcome): n for connector, outcome, n in rows}


def matched_checks(
    connector_prefix: str, *, start: datetime.datetime, end: datetime.datetime
) -> QuerySet[Verification]:
    """Checks of a connector (key or key prefix) answered "matched" in (``start``, ``end``]."""
    return Verification.objects.filter(
        connector__startswith=connector_prefix,
        state=VerificationState.MATCHED,
        checked_at__gt=start,
        checked_at__lte=end,
    )


def check_of(subject_id: int, purpose: str) -> Verification | None:
    """The check made for ``purpose`` (a counter filing, a SIP application …), or None."""
    return Verification.objects.filter(subject_id=subject_id, purpose=purpose).first()


@dataclass(frozen=True)
class PractitionerCheck:
    """A SATUSEHAT SDMK check as the officer reads it."""

    state: str
    due_at: datetime.datetime | None
    ihs_number: str
    str_number: str
    str_valid_until: datetime.date | None  # None with a number: for life
    reason: str  # of a mismatch: "not_registered" or "str_expired"


def practitioner_check_of(subject_id: int, purpose: str) -> PractitionerCheck | None:
    verification = check_of(subject_id, purpose)
    if verification is None:
        return None
    elements = verification.elements
    until = elements.get("str_valid_until") or ""
    return PractitionerCheck(
        state=verification.state,
        due_at=verification.due_at,
        ihs_number=elements.get("ihs_number", ""),
        str_number=elements.get("str_number", ""),
        str_valid_until=datetime.date.fromisoformat(until) if until else None,
        reason=elements.get("reason", ""),
    )


def registration_check_of(user: User) -> Verification | None:
    return (
        Verification.objects.filter(subject=user, purpose="registration")
        .order_by("-created_at")
        .first()
    )


def identity_section(user: User) -> SafeString | str:
    """The profile's line on the Dukcapil check of the account (nothing when none was made)."""
    verification = registration_check_of(user)
    if verification is None:
        return ""
    return render_to_string("integrations/_identity_section.html", {"verification": verification})
