"""The engine: who may act, notes, history in the same transaction, hooks after commit, races."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from mpp.workflows import selectors, services
from mpp.workflows.definitions import SYSTEM
from mpp.workflows.errors import ActionNotAllowed, ActorNotAllowed, NoteRequired, StaleVersion
from mpp.workflows.hooks import HookRegistry
from mpp.workflows.models import TransitionRecord
from mpp.workflows.tests.factories import PermitFactory, UserFactory
from mpp.workflows.tests.testapp.models import AGENCY_ADMIN, CITIZEN, OFFICER, Permit

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    return HookRegistry()


def act(permit, action, kinds, *, user=None, registry=None, **kwargs):
    return services.apply_action(
        permit,
        action,
        actor_user=user,
        actor_kinds=kinds,
        registry=registry or HookRegistry(),
        **kwargs,
    )


def test_a_new_object_starts_in_the_initial_state():
    assert PermitFactory().status == "draft"


def test_an_allowed_action_changes_status_bumps_version_and_records_history():
    citizen = UserFactory()
    permit = PermitFactory()
    record = act(
        permit, "submit", {CITIZEN}, user=citizen, note=" lengkap ", data={"channel": "online"}
    )
    permit.refresh_from_db()
    assert (permit.status, permit.version) == ("submitted", 1)
    assert (record.from_state, record.to_state, record.action) == ("draft", "submitted", "submit")
    assert (record.actor, record.actor_kind, record.note) == (citizen, CITIZEN, "lengkap")
    assert record.data == {"channel": "online"} and record.version == 1
    assert record.workflow == "test_permit"


@pytest.mark.parametrize(
    ("status", "action", "kinds", "message"),
    [
        ("draft", "approve", {OFFICER}, "tidak dapat dilakukan pada status saat ini"),
        ("in_review", "approve", {CITIZEN}, "tidak berwenang"),
        ("submitted", "submit", {CITIZEN}, "tidak dapat dilakukan pada status saat ini"),
        ("in_review", "auto_approve", {OFFICER, AGENCY_ADMIN}, "tidak berwenang"),
        ("in_review", "teleport", {OFFICER}, "tidak dikenal"),
        # Who before what: a citizen may never approve, whatever the status.
        ("draft", "approve", {CITIZEN}, "tidak berwenang"),
        ("issued", "withdraw", {CITIZEN}, "tidak dapat dilakukan pada status saat ini"),
    ],
)
def test_a_forbidden_action_is_refused_with_a_reason_and_changes_nothing(
    status, action, kinds, message
):
    permit = PermitFactory(status=status)
    with pytest.raises(ActionNotAllowed, match=message) as refused:
        act(permit, action, kinds)
    # A refusal of the caller's role is ActorNotAllowed (HTTP 403); of the status, not (409).
    assert isinstance(refused.value, ActorNotAllowed) is (message == "tidak berwenang")
    permit.refresh_from_db()
    assert (permit.status, permit.version) == (status, 0)
    assert not TransitionRecord.objects.exists()


@pytest.mark.parametrize("kinds", [{OFFICER}, {AGENCY_ADMIN}, {CITIZEN, AGENCY_ADMIN}])
def test_each_listed_actor_kind_may_approve(kinds):
    permit = PermitFactory(status="in_review")
    record = act(permit, "approve", kinds)
    assert permit.status == "approved"
    assert record.actor_kind in kinds


def test_the_system_actor_approves_automatically_without_a_user():
    permit = PermitFactory(status="in_review")
    record = act(permit, "auto_approve", {SYSTEM}, note="Fiktif positif: batas waktu terlampaui.")
    assert record.actor is None and record.actor_kind == SYSTEM and record.is_automatic
    assert Permit.objects.get().status == "approved"


def test_a_person_cannot_act_as_the_system():
    permit = PermitFactory(status="in_review")
    with pytest.raises(ValueError, match="without a user"):
        act(permit, "auto_approve", {OFFICER, SYSTEM}, user=UserFactory())
    assert Permit.objects.get().status == "in_review"


@pytest.mark.parametrize("note", ["", "   "])
def test_a_rejection_needs_a_reason(note):
    permit = PermitFactory(status="in_review")
    with pytest.raises(NoteRequired, match="memerlukan catatan"):
        act(permit, "reject", {OFFICER}, note=note)
    assert Permit.objects.get().status == "in_review"
    act(permit, "reject", {OFFICER}, note="STR tidak berlaku.")
    assert Permit.objects.get().status == "rejected"


def test_extra_field_changes_are_written_in_the_same_update():
    due = timezone.now() + datetime.timedelta(days=3)
    permit = PermitFactory()
    act(permit, "submit", {CITIZEN}, changes={"due_at": due})
    assert Permit.objects.get().due_at == due
    with pytest.raises(ValueError, match="engine only"):
        act(permit, "claim", {OFFICER}, changes={"status": "issued"})


def test_a_stale_version_is_refused_and_changes_nothing():
    permit = PermitFactory(status="in_review", version=4)
    with pytest.raises(StaleVersion, match="baru saja diubah oleh orang lain"):
        act(permit, "approve", {OFFICER}, expected_version=3)
    permit.refresh_from_db()
    assert (permit.status, permit.version) == ("in_review", 4)
    assert not TransitionRecord.objects.exists()


def test_two_officers_with_the_same_version_one_wins_the_other_is_told():
    PermitFactory(status="in_review")
    first, second = Permit.objects.get(), Permit.objects.get()
    act(first, "approve", {OFFICER}, expected_version=0)
    with pytest.raises(StaleVersion):
        act(second, "reject", {OFFICER}, note="Berkas kurang.", expected_version=0)
    permit = Permit.objects.get()
    assert (permit.status, permit.version) == ("approved", 1)
    assert list(TransitionRecord.objects.values_list("action", flat=True)) == ["approve"]


def test_without_a_savepoint_the_action_writes_in_the_callers_transaction_alone():
    from django.test.utils import CaptureQueriesContext

    permit = PermitFactory(status="in_review")
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        act(permit, "approve", {OFFICER}, savepoint=False)
    statements = [query["sql"].split()[0] for query in queries.captured_queries]
    # The caller's transaction (a savepoint of the test's own), the update and the history row.
    assert statements == ["SAVEPOINT", "UPDATE", "INSERT", "RELEASE"]
    permit.refresh_from_db()
    assert (permit.status, permit.version) == ("approved", 1)


def test_hooks_run_only_after_commit(registry, django_capture_on_commit_callbacks):
    calls = []

    def any_action(obj, rec):
        calls.append(("any", rec.action))

    def approved(obj, rec):
        calls.append(("approved", obj.status))

    registry.register("test_permit", any_action)
    registry.register("test_permit", approved, target="approved")
    registry.register("other", lambda obj, rec: calls.append(("other", rec.action)))
    permit = PermitFactory(status="in_review")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        act(permit, "approve", {OFFICER}, registry=registry)
        assert calls == []
    assert len(callbacks) == 2
    assert calls == [("any", "approve"), ("approved", "approved")]


def test_a_failure_after_the_action_rolls_back_status_history_and_hooks(
    registry, django_capture_on_commit_callbacks
):
    calls = []
    registry.register("test_permit", lambda obj, rec: calls.append(rec.action))
    permit = PermitFactory(status="in_review")
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        act(permit, "approve", {OFFICER}, registry=registry)
        raise RuntimeError("signing the document failed")
    assert callbacks == [] and calls == []
    fresh = Permit.objects.get()
    assert (fresh.status, fresh.version) == ("in_review", 0)
    assert not TransitionRecord.objects.exists()


def test_a_failing_hook_lookup_rolls_everything_back(registry):
    class BrokenRegistry(HookRegistry):
        def hooks_for(self, workflow, action, target):
            raise LookupError("registry unavailable")

    permit = PermitFactory(status="in_review")
    with pytest.raises(LookupError):
        act(permit, "approve", {OFFICER}, registry=BrokenRegistry())
    assert Permit.objects.get().status == "in_review"
    assert not TransitionRecord.objects.exists()


def test_registering_the_same_hook_twice_is_an_error(registry):
    def hook(obj, record):
        return None

    registry.register("test_permit", hook, action="approve")
    with pytest.raises(ValueError, match="already registered"):
        registry.register("test_permit", hook, action="approve")


def test_available_actions_are_those_the_caller_may_take_now():
    permit = PermitFactory(status="in_review")
    assert [t.action for t in services.available_actions(permit, {OFFICER})] == [
        "request_revision", "approve", "reject",
    ]  # fmt: skip
    assert [t.action for t in services.available_actions(permit, {CITIZEN})] == ["withdraw"]
    assert [t.action for t in services.available_actions(permit, {SYSTEM})] == ["auto_approve"]
    assert services.available_actions(PermitFactory(status="issued"), {OFFICER, CITIZEN}) == []


def test_a_when_predicate_offers_an_action_only_to_matching_objects():
    ordinary = PermitFactory(status="submitted")
    urgent = PermitFactory(status="submitted", urgent=True)
    assert "fast_track" not in [t.action for t in services.available_actions(ordinary, {OFFICER})]
    assert "fast_track" in [t.action for t in services.available_actions(urgent, {OFFICER})]
    with pytest.raises(ActionNotAllowed):
        act(ordinary, "fast_track", {OFFICER})
    act(urgent, "fast_track", {OFFICER})
    assert urgent.status == "approved"


def test_a_service_without_an_approval_step_issues_straight_from_review():
    permit = PermitFactory(status="in_review", skips_approval=True)
    assert [t.action for t in services.available_actions(permit, {OFFICER})] == [
        "request_revision", "reject", "issue",
    ]  # fmt: skip
    with pytest.raises(ActionNotAllowed):
        act(permit, "approve", {OFFICER})
    record = act(permit, "issue", {OFFICER})
    assert record.workflow == "test_permit_without_approval"
    assert Permit.objects.get().status == "issued"


def test_the_whole_journey_reads_as_a_timeline_in_one_query(django_assert_num_queries):
    citizen, officer = UserFactory(), UserFactory()
    permit = PermitFactory()
    act(permit, "submit", {CITIZEN}, user=citizen)
    act(permit, "claim", {OFFICER}, user=officer)
    act(permit, "request_revision", {OFFICER}, user=officer, note="Unggah STR yang jelas.")
    act(permit, "resubmit", {CITIZEN}, user=citizen)
    act(permit, "approve", {OFFICER}, user=officer)
    act(permit, "issue", {SYSTEM})
    PermitFactory()  # another object's history stays out
    with django_assert_num_queries(1):
        steps = [
            (r.action, r.actor.username if r.actor else None) for r in selectors.timeline(permit)
        ]
    assert steps == [
        ("submit", citizen.username),
        ("claim", officer.username),
        ("request_revision", officer.username),
        ("resubmit", citizen.username),
        ("approve", officer.username),
        ("issue", None),
    ]
    assert permit.version == 6


def test_history_is_append_only():
    permit = PermitFactory()
    record = act(permit, "submit", {CITIZEN})
    with pytest.raises(TypeError):
        record.save()
    with pytest.raises(TypeError):
        TransitionRecord.objects.all().delete()
    with pytest.raises(TypeError):
        TransitionRecord.objects.update(note="x")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="real concurrency needs PostgreSQL")
def test_concurrent_officers_on_postgresql_exactly_one_wins():
    permit = PermitFactory(status="in_review")
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def officer(action: str, note: str) -> None:
        loaded = Permit._default_manager.get(pk=permit.pk)
        barrier.wait()
        try:
            act(loaded, action, {OFFICER}, note=note, expected_version=0)
            outcomes.append("won")
        except StaleVersion:
            outcomes.append("stale")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=officer, args=(action, "Catatan"))
        for action in ("approve", "reject", "approve", "reject")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["stale", "stale", "stale", "won"]
    fresh = Permit.objects.get(pk=permit.pk)
    assert fresh.version == 1 and fresh.status in {"approved", "rejected"}
    assert TransitionRecord.objects.count() == 1
