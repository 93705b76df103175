"""What follows an application's committed transition: the citizen's message and the document.

Registered in :meth:`mpp.cases.apps.CasesConfig.ready` for both application workflows. Each hook is
idempotent: a failing one is retried by :func:`mpp.workflows.services.retry_failed_hooks`.
"""

from __future__ import annotations

from mpp.cases import tasks
from mpp.cases.models import Application
from mpp.cases.services import notify_applicant
from mpp.cases.workflow import APPLICATION, WITHOUT_APPROVAL
from mpp.workflows.hooks import HookRegistry, hooks
from mpp.workflows.models import TransitionRecord

# Target state → the message kind sent to the applicant (the issued message follows the document).
NOTIFIED_TARGETS = ("submitted", "revision_requested", "approved", "rejected", "withdrawn")


def send_status_message(application: Application, record: TransitionRecord) -> None:
    """Tell the applicant about the new status (with the deadline or the officer's reason)."""
    extra: dict[str, object] = {}
    if record.to_state == "submitted":
        extra["due_at"] = application.due_at
    if record.to_state in ("revision_requested", "rejected"):
        extra["reason"] = record.note
    notify_applicant(application, record.to_state, **extra)


def start_issuing(application: Application, record: TransitionRecord) -> None:
    """Render and sign the document on the worker, now that the transition to issued committed."""
    tasks.produce_document.enqueue(
        application.pk, record.actor_id, (record.data or {}).get("public_base_url", "")
    )


def register(registry: HookRegistry = hooks) -> None:
    for workflow in (APPLICATION, WITHOUT_APPROVAL):
        for target in NOTIFIED_TARGETS:
            registry.register(workflow.name, send_status_message, target=target)
        registry.register(workflow.name, start_issuing, target="issued")
