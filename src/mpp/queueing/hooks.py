"""What follows a ticket's committed transition: the booking reminders.

The sweep (:func:`mpp.queueing.services.sweep`) records a ``remind`` transition when a reminder
is due; :func:`send_reminder`, registered in :meth:`mpp.queueing.apps.QueueingConfig.ready`, sends
it after the commit. A failing notification never undoes the recorded reminder nor stops the
sweep: it is stored as a ``HookFailure`` and sent again by the retry sweep
(``mpp.workflows.tasks.retry_failed_hooks``).
"""

from __future__ import annotations

from mpp.queueing.models import Ticket
from mpp.queueing.workflow import QUEUE_TICKET
from mpp.workflows.hooks import HookRegistry, hooks
from mpp.workflows.models import TransitionRecord


def send_reminder(ticket: Ticket, record: TransitionRecord) -> None:
    """Send the reminder the ``remind`` transition recorded, unless the booking changed since
    (cancelled, checked in or rescheduled: a retry never reminds of a slot no longer held)."""
    from django.utils.formats import date_format

    from mpp.notifications.services import notify

    data = record.data or {}
    if ticket.status != "booked" or ticket.citizen is None:
        return
    if data.get("slot") != f"{ticket.date.isoformat()} {ticket.slot_starts:%H:%M}":
        return
    notify(
        ticket.citizen,
        data["kind"],
        {
            "code": ticket.code,
            "booking_code": ticket.booking_code,
            "service_name": ticket.service.name,
            "mpp_name": ticket.mpp.name,
            "date": date_format(ticket.date, "j F Y"),
            "time": f"{ticket.slot_starts:%H.%M}",
        },
        link=f"/antrean/saya/{ticket.pk}/",
    )


def register(registry: HookRegistry = hooks) -> None:
    registry.register(QUEUE_TICKET.name, send_reminder, action="remind")
