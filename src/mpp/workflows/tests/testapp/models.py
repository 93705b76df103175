"""A tiny permit process, shaped like issue 4's applications, to exercise the engine."""

from __future__ import annotations

from django.db import models

from mpp.workflows.definitions import SYSTEM, Transition, Workflow
from mpp.workflows.models import WorkflowModel

CITIZEN, OFFICER, AGENCY_ADMIN = "citizen", "officer", "agency_admin"
OPEN = {"submitted", "in_review", "revision_requested"}

PERMIT = Workflow(
    name="test_permit",
    states=[
        "draft",
        "submitted",
        "in_review",
        "revision_requested",
        "approved",
        "issued",
        "rejected",
        "withdrawn",
    ],
    initial="draft",
    final=["issued", "rejected", "withdrawn"],
    transitions=[
        Transition("submit", {"draft"}, "submitted", {CITIZEN}),
        Transition("claim", {"submitted"}, "in_review", {OFFICER}),
        Transition(
            "fast_track", {"submitted"}, "approved", {OFFICER}, when=lambda permit: permit.urgent
        ),
        Transition(
            "request_revision", {"in_review"}, "revision_requested", {OFFICER}, note_required=True
        ),
        Transition("resubmit", {"revision_requested"}, "in_review", {CITIZEN}),
        Transition("approve", {"in_review"}, "approved", {OFFICER, AGENCY_ADMIN}),
        Transition("reject", {"in_review"}, "rejected", {OFFICER}, note_required=True),
        Transition("issue", {"approved"}, "issued", {OFFICER, SYSTEM}),
        Transition("auto_approve", {"submitted", "in_review"}, "approved", {SYSTEM}),
        Transition("withdraw", {"draft", *OPEN}, "withdrawn", {CITIZEN}),
    ],
)

# "A service may skip the separate approval step": officers issue straight from review.
PERMIT_WITHOUT_APPROVAL = PERMIT.derive(
    "test_permit_without_approval",
    remove=["approve", "issue"],
    add=[Transition("issue", {"in_review", "approved"}, "issued", {OFFICER, SYSTEM})],
)


class Permit(WorkflowModel):
    workflow = PERMIT

    title = models.CharField(max_length=100)
    urgent = models.BooleanField(default=False)
    skips_approval = models.BooleanField(default=False)
    due_at = models.DateTimeField(null=True, blank=True)

    def get_workflow(self) -> Workflow:
        return PERMIT_WITHOUT_APPROVAL if self.skips_approval else PERMIT
