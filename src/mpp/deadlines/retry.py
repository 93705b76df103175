"""When to try a hand-off to another system again: exponential backoff, capped, deterministic.

Every outbox of the platform (the SP4N-LAPOR! forward, say) waits ``backoff(attempts)`` after its
``attempts``-th failed try, so a partner that is down for an hour gets a handful of calls, not
thousands, and the wait a person is shown ("dicoba lagi pukul 14.05 WIB") is the real one.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable
from typing import TypeVar

FIRST_WAIT = datetime.timedelta(minutes=1)
LONGEST_WAIT = datetime.timedelta(hours=1)

T = TypeVar("T")


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


# A call made while a person waits (a registry look-up) is tried again at once, a few times, with
# short waits: the long waits above are for the outbox sweeps, not for a page that is loading.
CALL_FIRST_WAIT = datetime.timedelta(milliseconds=200)
CALL_LONGEST_WAIT = datetime.timedelta(seconds=1)


def retry_call(
    attempt: Callable[[], T],
    *,
    tries: int,
    retry_on: Callable[[Exception], bool],
    sleep: Callable[[float], None] = time.sleep,
    first: datetime.timedelta = CALL_FIRST_WAIT,
    longest: datetime.timedelta = CALL_LONGEST_WAIT,
) -> T:
    """Run ``attempt`` up to ``tries`` times, waiting ``backoff(n, first=…, longest=…)`` after the
    ``n``-th failure, for as long as ``retry_on(error)`` says the failure is worth another try.

    Only a caller whose operation is idempotent (a look-up, a query) passes ``tries`` > 1: a write
    that may have reached the other side is never sent twice from here (it goes through an outbox
    with an idempotency key instead). The last error is raised as it came.
    """
    for number in range(1, max(tries, 1) + 1):
        try:
            return attempt()
        except Exception as error:
            if number >= tries or not retry_on(error):
                raise
            sleep(backoff(number, first=first, longest=longest).total_seconds())
    raise AssertionError("unreachable")  # the loop returns or raises
