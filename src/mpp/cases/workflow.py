"""The application workflow, as data: states, actions, who may take them and where they lead.

Actor kinds, each decided by ``mpp.accounts.policy`` through ``cases.selectors.actor_kinds``:
``citizen`` (the applicant), ``counter`` (an officer filing for a walk-in citizen, on a counter
filing), ``officer`` (holds ``DECIDE_CASES`` on the unit and neither applied nor filed),
``coordinator`` (holds ``ASSIGN_CASES``: officers and the agency admin) and ``system`` (the sweep).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mpp.workflows.definitions import SYSTEM, Transition, Workflow

CITIZEN = "citizen"
COUNTER = "counter"
OFFICER = "officer"
COORDINATOR = "coordinator"

STATES = (
    "draft",
    "submitted",
    "in_review",
    "revision_requested",
    "approved",
    "issued",
    "rejected",
    "withdrawn",
)
FINAL = ("issued", "rejected", "withdrawn")
# Statuses an agency still has work on (the default back-office list and its "due" counts).
OPEN = ("submitted", "in_review", "revision_requested", "approved")
# Statuses in which a decision is still to be taken (the citizen may withdraw; fiktif positif applies).
UNDECIDED = ("submitted", "in_review")
# Statuses in which the applicant (or the counter officer) may still change the answers.
EDITABLE = ("draft", "revision_requested")

APPLICATION = Workflow(
    name="application",
    states=STATES,
    initial="draft",
    final=FINAL,
    transitions=[
        # Counter officers submit on behalf of a walk-in citizen.
        Transition("submit", {"draft"}, "submitted", {CITIZEN, COUNTER}, label=_("Ajukan")),
        Transition("claim", {"submitted", "in_review"}, "in_review", {OFFICER}, label=_("Tangani")),
        Transition(
            "assign",
            {"submitted", "in_review"},
            "in_review",
            {COORDINATOR},
            label=_("Serahkan kepada petugas"),
        ),
        Transition(
            "request_revision",
            {"in_review"},
            "revision_requested",
            {OFFICER},
            note_required=True,
            label=_("Minta perbaikan"),
        ),
        Transition(
            "resubmit",
            {"revision_requested"},
            "in_review",
            {CITIZEN, COUNTER},
            label=_("Kirim perbaikan"),
        ),
        Transition("approve", {"in_review"}, "approved", {OFFICER}, label=_("Setujui")),
        Transition(
            "reject",
            {"submitted", "in_review"},
            "rejected",
            {OFFICER},
            note_required=True,
            label=_("Tolak"),
        ),
        Transition("issue", {"approved"}, "issued", {OFFICER, SYSTEM}, label=_("Terbitkan")),
        Transition(
            "withdraw",
            {"draft", "submitted", "in_review", "revision_requested"},
            "withdrawn",
            {CITIZEN},
            label=_("Batalkan permohonan"),
        ),
        # A health-worker permit whose SATUSEHAT SDMK check did not match (mpp.cases.sip): back
        # to the applicant with the reason, the clock paused, until they send it again.
        Transition(
            "hold",
            set(UNDECIDED),
            "revision_requested",
            {SYSTEM},
            note_required=True,
            label=_("Ditahan: data tenaga kesehatan tidak cocok"),
        ),
        # Fiktif positif: undecided when the deadline passed → approved by the system.
        Transition(
            "auto_approve",
            set(UNDECIDED),
            "approved",
            {SYSTEM},
            note_required=True,
            label=_("Disetujui otomatis"),
        ),
    ],
)

# Services whose document is issued straight after the review (ServiceVersion.skip_approval).
WITHOUT_APPROVAL = APPLICATION.derive(
    "application_without_approval",
    remove=["approve", "issue"],
    add=[
        Transition(
            "issue", {"in_review", "approved"}, "issued", {OFFICER, SYSTEM}, label=_("Terbitkan")
        )
    ],
)

# Actions an officer takes from the back office with the "actions" form (not claim/assign).
DECISION_ACTIONS = ("request_revision", "approve", "reject", "issue")
