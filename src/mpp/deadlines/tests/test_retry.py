"""The one retry policy: the outbox backoff and the short in-call retry built on it."""

from __future__ import annotations

import datetime

import pytest

from mpp.deadlines.retry import backoff, retry_call


class Flaky(Exception):
    pass


def test_backoff_doubles_up_to_its_cap():
    waits = [backoff(n) for n in range(1, 9)]
    assert waits[:3] == [datetime.timedelta(minutes=m) for m in (1, 2, 4)]
    assert waits[-1] == datetime.timedelta(hours=1)


def test_a_retried_call_waits_the_backoff_and_returns_the_first_success():
    slept: list[float] = []
    answers = iter([Flaky(), Flaky(), "ok"])

    def attempt():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert retry_call(attempt, tries=3, retry_on=lambda e: True, sleep=slept.append) == "ok"
    assert slept == [0.2, 0.4]


def test_a_call_is_not_retried_past_its_tries_nor_for_a_failure_not_worth_it():
    calls = []

    def attempt():
        calls.append(1)
        raise Flaky

    with pytest.raises(Flaky):
        retry_call(attempt, tries=2, retry_on=lambda e: True, sleep=lambda s: None)
    assert len(calls) == 2
    with pytest.raises(Flaky):
        retry_call(attempt, tries=5, retry_on=lambda e: False, sleep=lambda s: None)
    assert len(calls) == 3
