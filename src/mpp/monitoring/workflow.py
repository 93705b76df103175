"""The ``monitoring_report`` workflow: draft → submitted → returned with notes → accepted."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mpp.workflows.definitions import SYSTEM, Transition, Workflow

LOCUS = "locus"  # the regional admin or MPP manager of the locus (SUBMIT_MONITORING)
MINISTRY = "ministry"  # a ministry admin (REVIEW_MONITORING)

MONITORING_REPORT = Workflow(
    name="monitoring_report",
    states=("draft", "submitted", "returned", "accepted"),
    initial="draft",
    final={"accepted"},
    transitions=[
        Transition("submit", {"draft", "returned"}, "submitted", {LOCUS}, label=_("Kirim laporan")),
        Transition(
            "return", {"submitted"}, "returned", {MINISTRY}, label=_("Kembalikan untuk diperbaiki"),
            note_required=True,
        ),
        Transition("accept", {"submitted"}, "accepted", {MINISTRY, SYSTEM}, label=_("Terima laporan")),
    ],
)  # fmt: skip
