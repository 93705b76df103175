"""The one service that changes a workflow status: :func:`apply_action`."""

from __future__ import annotations

import datetime
import functools
import logging
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mpp.workflows.definitions import SYSTEM, Transition
from mpp.workflows.errors import (
    ActionNotAllowed,
    ActorNotAllowed,
    NoteRequired,
    StaleVersion,
    WorkflowError,
)
from mpp.workflows.hooks import Hook, HookRegistry, hook_name, hooks
from mpp.workflows.models import HookFailure, TransitionRecord, WorkflowModel

logger = logging.getLogger(__name__)

# How long a failed hook waits before its next attempt: doubling from one minute, at most 6 hours.
FIRST_RETRY = datetime.timedelta(minutes=1)
LONGEST_RETRY = datetime.timedelta(hours=6)


def available_actions(obj: WorkflowModel, actor_kinds: Collection[str]) -> list[Transition]:
    """The transitions a caller with ``actor_kinds`` may take on ``obj`` now, in definition order."""
    kinds = frozenset(actor_kinds)
    return [
        transition
        for transition in obj.get_workflow().transitions_from(obj.status)
        if transition.actors & kinds and transition.applies_to(obj)
    ]


def _allowed_transition(obj: WorkflowModel, action: str, kinds: frozenset[str]) -> Transition:
    workflow = obj.get_workflow()
    transition = workflow.transition(action, obj.status)
    if transition is None or not transition.applies_to(obj):
        if action not in workflow.actions:
            raise ActionNotAllowed(_("Tindakan ini tidak dikenal."))
        if not any(t.actors & kinds for t in workflow.transitions if t.action == action):
            # Who before what: a caller who may never take the action learns nothing of the status.
            raise ActorNotAllowed(_("Anda tidak berwenang melakukan tindakan ini."))
        raise ActionNotAllowed(_("Tindakan ini tidak dapat dilakukan pada status saat ini."))
    if not transition.actors & kinds:
        raise ActorNotAllowed(_("Anda tidak berwenang melakukan tindakan ini."))
    return transition


def apply_action(
    obj: WorkflowModel,
    action: str,
    *,
    actor_user: Any | None,
    actor_kinds: Collection[str],
    note: str = "",
    expected_version: int | None = None,
    data: Mapping[str, Any] | None = None,
    changes: Mapping[str, Any] | None = None,
    registry: HookRegistry = hooks,
    savepoint: bool = True,
) -> TransitionRecord:
    """Take ``action`` on ``obj`` for an actor, in one transaction, or raise and change nothing.

    - The action must exist from ``obj.status``, pass its ``when`` predicate and name at least one
      of ``actor_kinds`` (else :class:`ActionNotAllowed`); a note is needed when the transition says
      so (:class:`NoteRequired`).
    - The status, ``version + 1`` and any extra field ``changes`` (a due date, say) are written with
      one ``UPDATE ... WHERE pk = ... AND version = expected AND status = current``; no row updated
      means somebody else acted first (:class:`StaleVersion`). ``expected_version`` defaults to the
      version ``obj`` was loaded with.
    - A :class:`TransitionRecord` is written in the same transaction, with the object's region,
      MPP and agency (:meth:`~mpp.workflows.models.WorkflowModel.history_place`); ``obj`` is
      updated in memory.
    - Hooks registered for the workflow/action/target run after the commit (:func:`run_hook`): a
      failing hook is recorded and retried, never undoes the action nor reaches the caller.
    - Inside a caller's transaction the writes are in a savepoint, so a caller may catch
      :class:`StaleVersion` and go on; ``savepoint=False`` saves its two statements where the
      caller's transaction ends on any error anyway (the row locked beforehand, say).

    ``actor_user`` is None for automatic actions (actor kind ``"system"``). The recorded actor kind
    is the first (alphabetically) of the caller's kinds the transition accepts.
    """
    kinds = frozenset(actor_kinds)
    if SYSTEM in kinds and actor_user is not None:
        raise ValueError("the system actor kind is for automatic actions without a user")
    transition = _allowed_transition(obj, action, kinds)
    note = (note or "").strip()
    if transition.note_required and not note:
        raise NoteRequired()
    version = obj.version if expected_version is None else expected_version
    source = obj.status
    updates = dict(changes or {})
    if {"status", "version"} & updates.keys():
        raise ValueError("status and version are changed by the workflow engine only")
    model = type(obj)
    region_id, mpp_id, agency_id = obj.history_place()
    with transaction.atomic(savepoint=savepoint):
        rows = model._default_manager.filter(pk=obj.pk, version=version, status=source).update(
            status=transition.target, version=version + 1, **updates
        )
        if rows != 1:
            raise StaleVersion()
        record = TransitionRecord.objects.create(
            content_type=ContentType.objects.get_for_model(model),
            object_id=str(obj.pk),
            workflow=obj.get_workflow().name,
            action=transition.action,
            from_state=source,
            to_state=transition.target,
            version=version + 1,
            actor=actor_user,
            actor_kind=sorted(transition.actors & kinds)[0],
            note=note,
            at=timezone.now(),
            data=dict(data or {}),
            region_id=region_id,
            mpp_id=mpp_id,
            agency_id=agency_id,
        )
        obj.status = transition.target
        obj.version = version + 1
        for field, value in updates.items():
            setattr(obj, field, value)
        for hook in registry.hooks_for(record.workflow, transition.action, transition.target):
            transaction.on_commit(functools.partial(run_hook, hook, obj, record), robust=True)
    return record


def escalate_overdue(
    rows: Iterable[WorkflowModel], *, now: datetime.datetime, marker: str
) -> dict[str, int]:
    """The deadline sweep's step of a workflow whose overdue rows are escalated once (a room
    request, an onboarding review): each row of ``rows`` (the caller's breached rows still waiting,
    ``marker`` unset, a bounded batch) takes the system's ``escalate`` action in its own
    transaction, ``marker`` (its "escalated at" field) set to ``now``; the workflow's hooks tell
    whom it concerns. A row that moved meanwhile is refused and left to the next sweep."""
    escalated = 0
    for row in rows:
        due = getattr(row, "due_at", None)
        try:
            with transaction.atomic():
                apply_action(
                    row, "escalate", actor_user=None, actor_kinds={SYSTEM},
                    changes={marker: now}, data={"due_at": due.isoformat() if due else None},
                )  # fmt: skip
            escalated += 1
        except WorkflowError as error:
            logger.warning("escalation of %s %s refused: %s", row._meta.label, row.pk, error.code)
    return {"escalated": escalated}


def _next_attempt(now: datetime.datetime, attempts: int) -> datetime.datetime:
    factor: int = 2 ** max(attempts - 1, 0)
    return now + min(FIRST_RETRY * factor, LONGEST_RETRY)


def run_hook(hook: Hook, obj: WorkflowModel, record: TransitionRecord) -> bool:
    """Run one hook of a committed transition; on failure store a :class:`HookFailure`.

    Returns whether the hook succeeded. Only the error's class is logged and stored (a message may
    carry personal data).
    """
    try:
        with transaction.atomic():
            hook(obj, record)
    except Exception as error:
        now = timezone.now()
        logger.error(
            "hook %s failed for %s %s: %s",
            hook_name(hook),
            record.workflow,
            record.object_id,
            type(error).__name__,
        )
        HookFailure.objects.update_or_create(
            record=record,
            hook=hook_name(hook),
            defaults={
                "error": type(error).__name__,
                "failed_at": now,
                "next_attempt_at": _next_attempt(now, 1),
                "resolved_at": None,
            },
        )
        return False
    return True


@dataclass
class HookRetryResult:
    succeeded: int = 0
    failed: int = 0


def retry_failed_hooks(
    *, now: datetime.datetime | None = None, registry: HookRegistry = hooks, batch: int = 500
) -> HookRetryResult:
    """Run again the failed hooks whose next attempt is due, with the object as it is now.

    A hook that fails again waits twice as long (at most :data:`LONGEST_RETRY`); one failing hook
    never stops the others. Idempotent: a hook that succeeded is not run again.
    """
    now = now or timezone.now()
    result = HookRetryResult()
    due = (
        HookFailure.objects.filter(resolved_at__isnull=True, next_attempt_at__lte=now)
        .select_related("record", "record__content_type")
        .order_by("next_attempt_at", "id")[:batch]
    )
    for failure in due:
        record = failure.record
        hook = registry.by_name(record.workflow, failure.hook)
        model = record.content_type.model_class()
        obj = model._default_manager.filter(pk=record.object_id).first() if model else None
        if hook is None or obj is None:
            # The hook was unregistered or the object deleted: nothing left to run.
            logger.warning("hook %s for %s cannot be retried", failure.hook, record.pk)
            HookFailure.objects.filter(pk=failure.pk).update(next_attempt_at=now + LONGEST_RETRY)
            result.failed += 1
            continue
        try:
            with transaction.atomic():
                hook(obj, record)
        except Exception as error:
            attempts = failure.attempts + 1
            logger.error("hook %s failed again: %s", failure.hook, type(error).__name__)
            HookFailure.objects.filter(pk=failure.pk).update(
                attempts=attempts,
                error=type(error).__name__,
                failed_at=now,
                next_attempt_at=_next_attempt(now, attempts),
            )
            result.failed += 1
            continue
        HookFailure.objects.filter(pk=failure.pk).update(resolved_at=now)
        result.succeeded += 1
    return result
