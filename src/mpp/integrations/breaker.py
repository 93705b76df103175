"""A circuit breaker per (connector, region), kept in the database so every worker shares it.

Closed: calls go through; ``MPP_BREAKER_FAILURES`` failed calls in a row open it. Open: nobody
calls for ``MPP_BREAKER_COOLDOWN_SECONDS``; then one caller takes the half-open trial (an atomic
update, so two workers never both try). Its success closes the breaker, its failure opens it for
another cool-down. A trial whose caller died is taken again after a cool-down.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q

from mpp.integrations import clock
from mpp.integrations.models import Breaker, BreakerState


def _row(connector: str, region_id: str | None) -> Breaker:
    try:
        with transaction.atomic():
            row, _ = Breaker.objects.get_or_create(connector=connector, region_id=region_id)
    except IntegrityError:  # a concurrent first call created it
        row = Breaker.objects.get(connector=connector, region_id=region_id)
    return row


def _cooldown() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.MPP_BREAKER_COOLDOWN_SECONDS)


def allow(connector: str, region_id: str | None) -> bool:
    """May a call go out now? Takes the half-open trial when the cool-down has passed."""
    row = _row(connector, region_id)
    if row.state == BreakerState.CLOSED:
        return True
    now = clock.now()
    taken = Breaker.objects.filter(
        pk=row.pk,
        state__in=[BreakerState.OPEN, BreakerState.HALF_OPEN],
        opened_at__lte=now - _cooldown(),
    ).update(state=BreakerState.HALF_OPEN, opened_at=now)
    return bool(taken)


def succeeded(connector: str, region_id: str | None) -> None:
    row = _row(connector, region_id)
    Breaker.objects.filter(pk=row.pk).update(
        state=BreakerState.CLOSED, failures=0, opened_at=None, last_success_at=clock.now()
    )


def failed(connector: str, region_id: str | None) -> None:
    row = _row(connector, region_id)
    now = clock.now()
    with transaction.atomic():
        Breaker.objects.filter(pk=row.pk).update(failures=F("failures") + 1, last_failure_at=now)
        Breaker.objects.filter(pk=row.pk).filter(
            Q(state=BreakerState.HALF_OPEN)
            | Q(state=BreakerState.CLOSED, failures__gte=settings.MPP_BREAKER_FAILURES)
        ).update(state=BreakerState.OPEN, opened_at=now)
