"""The ``activity_registration`` workflow: a seat at an MPP activity, from registering to the door.

Actor kinds: ``participant`` (the citizen or guest who registered, by account or ticket link),
``organiser`` (holds ``MANAGE_ACTIVITIES`` on the activity), ``door`` (a paired door scanner of
the activity's MPP) and ``system`` (moving the waiting list up, the reminder sweep).

A registration is born ``registered`` while seats are left, ``waitlisted`` otherwise; a
cancellation of a seat moves the first waiting registration up (``promote``) in the same
transaction. ``cancelled`` and ``attended`` are final.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mpp.workflows.definitions import SYSTEM, Transition, Workflow

PARTICIPANT = "participant"
ORGANISER = "organiser"
DOOR = "door"

REGISTERED = "registered"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"
ATTENDED = "attended"

STATES = (REGISTERED, WAITLISTED, CANCELLED, ATTENDED)
# The registrations that hold a seat.
SEATED = (REGISTERED, ATTENDED)
OPEN = (REGISTERED, WAITLISTED)

STATUS_LABELS = {
    REGISTERED: _("Terdaftar"),
    WAITLISTED: _("Daftar tunggu"),
    CANCELLED: _("Dibatalkan"),
    ATTENDED: _("Hadir"),
}

ACTIVITY_REGISTRATION = Workflow(
    name="activity_registration",
    states=STATES,
    initial=REGISTERED,
    final=(CANCELLED, ATTENDED),
    transitions=[
        Transition(
            "promote", {WAITLISTED}, REGISTERED, {SYSTEM}, label=_("Naik dari daftar tunggu")
        ),
        Transition(
            "cancel",
            {REGISTERED, WAITLISTED},
            CANCELLED,
            {PARTICIPANT, ORGANISER},
            label=_("Batalkan"),
        ),
        Transition("attend", {REGISTERED}, ATTENDED, {DOOR, ORGANISER}, label=_("Hadir")),
        # The sweep records the reminder of the day before; the message goes in the same commit.
        Transition("remind", {REGISTERED}, REGISTERED, {SYSTEM}, label=_("Pengingat dikirim")),
    ],
)
