"""Hooks run after the commit; a failing one is recorded and retried, never undoing the action."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from mpp.workflows import services
from mpp.workflows.hooks import HookRegistry, hook_name
from mpp.workflows.models import HookFailure, TransitionRecord
from mpp.workflows.tests.factories import PermitFactory
from mpp.workflows.tests.testapp.models import OFFICER, Permit


class FlakyHook:
    """A hook that fails until it is told to work, remembering what it saw."""

    def __init__(self) -> None:
        self.broken = True
        self.seen: list[tuple[str, str]] = []

    def __call__(self, obj, record) -> None:
        if self.broken:
            raise ConnectionError("mail server down")
        self.seen.append((obj.status, record.action))


@pytest.mark.django_db(transaction=True)
def test_a_failing_hook_leaves_the_action_committed_and_is_retried_until_it_works():
    registry = HookRegistry()
    flaky = FlakyHook()
    calls: list[str] = []
    registry.register("test_permit", flaky, target="approved")
    registry.register("test_permit", lambda obj, record: calls.append(record.action))
    permit = PermitFactory(status="in_review")

    record = services.apply_action(
        permit, "approve", actor_user=None, actor_kinds={OFFICER}, registry=registry
    )

    fresh = Permit.objects.get(pk=permit.pk)
    assert (fresh.status, fresh.version) == ("approved", 1)
    assert TransitionRecord.objects.filter(pk=record.pk).exists()
    assert calls == ["approve"]  # the other hook still ran
    failure = HookFailure.objects.get()
    assert (failure.record_id, failure.hook, failure.error) == (
        record.pk,
        hook_name(flaky),
        "ConnectionError",
    )
    assert failure.resolved_at is None

    soon = failure.next_attempt_at - datetime.timedelta(seconds=1)
    assert services.retry_failed_hooks(now=soon, registry=registry).failed == 0  # not due yet
    later = failure.next_attempt_at
    again = services.retry_failed_hooks(now=later, registry=registry)
    assert (again.succeeded, again.failed) == (0, 1)
    failure.refresh_from_db()
    assert failure.attempts == 2 and failure.next_attempt_at > later + datetime.timedelta(minutes=1)

    flaky.broken = False
    done = services.retry_failed_hooks(now=failure.next_attempt_at, registry=registry)
    assert (done.succeeded, done.failed) == (1, 0)
    assert flaky.seen == [("approved", "approve")]
    failure.refresh_from_db()
    assert failure.resolved_at is not None
    assert (
        services.retry_failed_hooks(
            now=timezone.now() + datetime.timedelta(days=1), registry=registry
        ).succeeded
        == 0
    )
    assert flaky.seen == [("approved", "approve")]  # a resolved hook never runs twice


def test_a_hook_that_was_unregistered_is_not_run_and_does_not_stop_the_others(
    django_capture_on_commit_callbacks,
):
    registry = HookRegistry()
    flaky, other = FlakyHook(), FlakyHook()

    def first(obj, record):
        flaky(obj, record)

    def second(obj, record):
        other(obj, record)

    registry.register("test_permit", first)
    registry.register("test_permit", second)
    with django_capture_on_commit_callbacks(execute=True):
        services.apply_action(
            PermitFactory(status="in_review"),
            "approve",
            actor_user=None,
            actor_kinds={OFFICER},
            registry=registry,
        )
    assert HookFailure.objects.count() == 2
    registry.unregister("test_permit", first)
    other.broken = False
    result = services.retry_failed_hooks(
        now=timezone.now() + datetime.timedelta(hours=1), registry=registry
    )
    assert (result.succeeded, result.failed) == (1, 1)
    assert other.seen == [("approved", "approve")]


def test_two_different_hooks_may_not_share_a_name():
    registry = HookRegistry()
    registry.register("test_permit", FlakyHook())
    with pytest.raises(ValueError):
        registry.register("test_permit", FlakyHook())


pytestmark = pytest.mark.django_db
