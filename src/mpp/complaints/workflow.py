"""The complaint workflow (SP4N-LAPOR!), as data.

Actor kinds, decided by ``mpp.accounts.policy`` through ``complaints.selectors.actor_kinds``:
``reporter`` (the person who submitted, by account or by the follow link), ``desk`` (holds
``HANDLE_COMPLAINTS`` on the complaint's MPP: the complaint desk), ``agency`` (holds
``RESPOND_COMPLAINTS`` on the agency at that MPP) and ``system`` (the deadline sweep).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mpp.workflows.definitions import SYSTEM, Transition, Workflow

REPORTER = "reporter"
DESK = "desk"
AGENCY = "agency"

STATES = (
    "new",  # only inside the submitting transaction: the "submit" transition records the receipt
    "submitted",  # waiting for the desk's verification (3 working days)
    "postponed",  # the desk asked the reporter for more information (clock paused)
    "forwarded",  # with the responsible agency (5 working days; information requests 10 + 7)
    "answered",  # the agency answered; the reporter may reply or reopen within the window
    "referred",  # "bukan wewenang": handed to the responsible body outside the MPP
    "archived",  # archived by the desk with a reason
    "closed",  # done
)
FINAL = ("referred", "archived", "closed")
# What the reporter reads for each status (the data export; the same words as the status tag).
STATUS_LABELS = {
    "new": _("Menunggu verifikasi"),
    "submitted": _("Menunggu verifikasi"),
    "postponed": _("Menunggu keterangan pelapor"),
    "forwarded": _("Diteruskan ke instansi"),
    "answered": _("Ditanggapi"),
    "closed": _("Selesai"),
    "referred": _("Bukan wewenang"),
    "archived": _("Diarsipkan"),
}
# Statuses whose clock the staff must beat (the escalation sweep looks at these only).
STAFF_CLOCK = ("submitted", "forwarded")
# Open311: every status but the final ones is "open".
OPEN = ("new", "submitted", "postponed", "forwarded", "answered")

COMPLAINT = Workflow(
    name="complaint",
    states=STATES,
    initial="new",
    final=FINAL,
    transitions=[
        Transition("submit", {"new"}, "submitted", {REPORTER}, label=_("Kirim")),
        Transition(
            "verify", {"submitted"}, "forwarded", {DESK}, label=_("Verifikasi dan teruskan")
        ),
        Transition(
            "postpone",
            {"submitted"},
            "postponed",
            {DESK},
            note_required=True,
            label=_("Tunda, minta keterangan"),
        ),
        Transition(
            "supplement", {"postponed"}, "submitted", {REPORTER}, label=_("Kirim keterangan")
        ),
        Transition(
            "refer",
            {"submitted", "postponed"},
            "referred",
            {DESK},
            note_required=True,
            label=_("Bukan wewenang"),
        ),
        Transition(
            "archive",
            {"submitted", "postponed"},
            "archived",
            {DESK},
            note_required=True,
            label=_("Arsipkan"),
        ),
        Transition(
            "reassign",
            {"forwarded"},
            "forwarded",
            {DESK},
            note_required=True,
            label=_("Alihkan ke instansi lain"),
        ),
        Transition(
            "extend",
            {"forwarded"},
            "forwarded",
            {AGENCY},
            note_required=True,
            label=_("Perpanjang jangka waktu"),
            when=lambda complaint: complaint.may_extend,
        ),
        Transition("respond", {"forwarded"}, "answered", {AGENCY}, label=_("Kirim tanggapan")),
        Transition(
            "reopen", {"answered"}, "forwarded", {REPORTER}, label=_("Balas atau buka kembali")
        ),
        Transition("close", {"answered"}, "closed", {REPORTER}, label=_("Selesai")),
        Transition("auto_close", {"answered"}, "closed", {SYSTEM}, label=_("Ditutup otomatis")),
        # The sweep raises an overdue complaint a level (``escalate``, data: {"level": 1 or 2})
        # and tells the MPP manager and the regional admin once that the whole-case limit (60 days
        # by default; its clock runs while the staff hold the complaint) passed; same state.
        *(
            Transition(action, {state}, state, {SYSTEM}, label=label)
            for action, label in (
                ("escalate", _("Eskalasi")),
                ("exceed_limit", _("Melewati batas penyelesaian")),
            )
            for state in STAFF_CLOCK
        ),
    ],
)

DESK_ACTIONS = ("verify", "postpone", "refer", "archive", "reassign")
AGENCY_ACTIONS = ("respond", "extend")
