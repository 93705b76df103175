"""The ``room_booking`` workflow: a community's request for a room of an MPP, as data.

requested → approved / approved_with_conditions / declined (the MPP's manager decides, with a
reason or a condition where the table asks for a note), withdrawn (the requester, before the
decision); an approved booking is cancelled by either side with a reason, which the other side is
told. ``escalate`` is the sweep's: the decision is overdue; ``expire`` is the sweep's too: the slot
began without a decision, so the request is declined with that reason.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mpp.workflows.definitions import SYSTEM, Transition, Workflow

REQUESTER = "requester"  # the signed-in account that asked, acting for its group
MANAGER = "manager"  # holds Perm.MANAGE_ROOMS on the room's MPP

APPROVED_STATES = frozenset({"approved", "approved_with_conditions"})

ROOM_BOOKING = Workflow(
    name="room_booking",
    states=(
        "requested",
        "approved",
        "approved_with_conditions",
        "declined",
        "cancelled",
        "withdrawn",
    ),
    initial="requested",
    final={"declined", "cancelled", "withdrawn"},
    transitions=[
        Transition("approve", {"requested"}, "approved", {MANAGER}, label=_("Setujui")),
        Transition(
            "approve_with_conditions", {"requested"}, "approved_with_conditions", {MANAGER},
            label=_("Setujui dengan syarat"), note_required=True,
        ),
        Transition(
            "decline", {"requested"}, "declined", {MANAGER}, label=_("Tolak"), note_required=True
        ),
        Transition(
            "withdraw", {"requested"}, "withdrawn", {REQUESTER}, label=_("Tarik permohonan")
        ),
        Transition(
            "cancel", set(APPROVED_STATES), "cancelled", {REQUESTER, MANAGER},
            label=_("Batalkan peminjaman"), note_required=True,
        ),
        Transition(
            "escalate", {"requested"}, "requested", {SYSTEM},
            label=_("Keputusan melewati batas waktu"),
        ),
        Transition(
            "expire", {"requested"}, "declined", {SYSTEM},
            label=_("Ditolak otomatis: waktu peminjaman tiba tanpa keputusan"), note_required=True,
        ),
    ],
)  # fmt: skip

STATUS_LABELS = {
    "requested": _("Menunggu keputusan"),
    "approved": _("Disetujui"),
    "approved_with_conditions": _("Disetujui dengan syarat"),
    "declined": _("Ditolak"),
    "cancelled": pgettext_lazy("peminjaman ruang", "Dibatalkan"),
    "withdrawn": _("Ditarik pemohon"),
}
