"""The ``queue_ticket`` workflow: from a booking or a walk-in number to ``served``.

Actor kinds: ``citizen`` (the booking's owner), ``officer`` (holds ``SERVE_QUEUE`` on the ticket),
``kiosk`` (a registered kiosk checking a booking in) and ``system`` (the day-end sweep).

An online booking starts ``booked``; a walk-in ticket is created ``waiting`` (it exists only once
the citizen stands in the hall). ``served``, ``no_show`` and ``cancelled`` are final.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mpp.workflows.definitions import SYSTEM, Transition, Workflow

CITIZEN = "citizen"
OFFICER = "officer"
KIOSK = "kiosk"

STATES = ("booked", "waiting", "called", "serving", "skipped", "served", "no_show", "cancelled")
FINAL = ("served", "no_show", "cancelled")
ACTIVE = ("booked", "waiting", "called", "serving", "skipped")
IN_HALL = ("waiting", "called", "serving", "skipped")

STATUS_LABELS = {
    "booked": _("Dipesan"),
    "waiting": _("Menunggu"),
    "called": _("Dipanggil"),
    "serving": _("Sedang dilayani"),
    "skipped": _("Dilewati"),
    "served": _("Selesai dilayani"),
    "no_show": _("Tidak hadir"),
    "cancelled": _("Dibatalkan"),
}

QUEUE_TICKET = Workflow(
    name="queue_ticket",
    states=STATES,
    initial="booked",
    final=FINAL,
    transitions=[
        Transition("reschedule", {"booked"}, "booked", {CITIZEN}, label=_("Ubah jadwal")),
        Transition("cancel", {"booked"}, "cancelled", {CITIZEN, OFFICER}, label=_("Batalkan")),
        Transition("check_in", {"booked"}, "waiting", {OFFICER, KIOSK}, label=_("Lapor hadir")),
        Transition(
            "move_service", {"booked"}, "booked", {OFFICER}, label=_("Pindahkan ke layanan lain")
        ),
        Transition("call", {"waiting"}, "called", {OFFICER}, label=_("Panggil")),
        Transition("recall", {"called"}, "called", {OFFICER}, label=_("Panggil ulang")),
        Transition("skip", {"called"}, "skipped", {OFFICER}, label=_("Lewati")),
        Transition("requeue", {"skipped"}, "waiting", {OFFICER}, label=_("Kembalikan ke antrean")),
        Transition("start", {"called"}, "serving", {OFFICER}, label=_("Mulai layanan")),
        Transition("finish", {"serving"}, "served", {OFFICER}, label=_("Selesai")),
        # A visit of several services (issue 28): the citizen adds one to a booking; finishing
        # one that is not the last puts the same number in the next service's line.
        Transition("add_service", {"booked"}, "booked", {CITIZEN}, label=_("Tambah layanan")),
        Transition(
            "next_service",
            {"serving"},
            "waiting",
            {OFFICER},
            label=_("Lanjut ke layanan berikutnya"),
        ),
        Transition(
            "transfer",
            {"waiting", "called", "serving"},
            "waiting",
            {OFFICER},
            label=_("Alihkan"),
        ),
        # The sweep records a due reminder; a hook sends it after the commit (queueing.hooks).
        Transition("remind", {"booked"}, "booked", {SYSTEM}, label=_("Pengingat dikirim")),
        Transition(
            "no_show", {"booked", "skipped"}, "no_show", {OFFICER, SYSTEM}, label=_("Tidak hadir")
        ),
    ],
)


# The help asked for with a ticket (``AssistanceRequest``): the counter officer serving the ticket
# or the MPP's hall staff (``Perm.ASSIST_VISITORS``) meet it or say why they cannot.
STAFF = "staff"

ASSISTANCE_LABELS = {
    "open": _("Menunggu petugas"),
    "met": _("Terpenuhi"),
    "unmet": _("Tidak dapat dipenuhi"),
}

QUEUE_ASSISTANCE = Workflow(
    name="queue_assistance",
    states=("open", "met", "unmet"),
    initial="open",
    final=("met", "unmet"),
    transitions=[
        Transition("meet", {"open"}, "met", {STAFF}, label=_("Terpenuhi")),
        Transition(
            "decline",
            {"open"},
            "unmet",
            {STAFF},
            label=_("Tidak dapat dipenuhi"),
            note_required=True,
        ),
    ],
)
