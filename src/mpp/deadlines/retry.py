"""When to try a hand-off to another system again: exponential backoff, capped, deterministic.

Every outbox of the platform (the SP4N-LAPOR! forward, say) waits ``backoff(attempts)`` after its
``attempts``-th failed try, so a partner that is down for an hour gets a handful of calls, not
thousands, and the wait a person is shown ("dicoba lagi pukul 14.05 WIB") is the real one.
"""

from __future__ import annotations

import datetime

FIRST_WAIT = datetime.timedelta(minutes=1)
LONGEST_WAIT = datetime.timedelta(hours=1)


def backoff(
    attempts: int,
    *,
    first: datetime.timedelta = FIRST_WAIT,
    longest: datetime.timedelta = LONGEST_WAIT,
) -> datetime.timedelta:
    """The wait after the ``attempts``-th failure: first, 2×first, 4×first, … at most ``longest``."""
    if attempts < 1:
        return datetime.timedelta(0)
    factor: int = 2 ** min(attempts - 1, 30)
    return min(first * factor, longest)
