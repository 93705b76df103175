"""What follows a room booking event: the MPP's managers hear of a new request and of an overdue
decision (with the kab/kota's regional admins), the requester of the decision, the other side of a
cancellation.

Registered in :meth:`mpp.rooms.apps.RoomsConfig.ready`. ``notify`` stores the notification in the
hook's transaction and a task sends it after the commit.
"""

from __future__ import annotations

from typing import Any

from mpp.accounts.models import Role, RoleGrant, User
from mpp.catalog import public_cache
from mpp.notifications.services import notify
from mpp.rooms.models import Booking
from mpp.rooms.services import BOOKING_EVENTS, REQUESTED
from mpp.rooms.workflow import ROOM_BOOKING
from mpp.workflows.hooks import HookRegistry, hooks
from mpp.workflows.models import TransitionRecord


def _link(booking: Booking) -> str:
    return f"/ruang/peminjaman/{booking.pk}/"


def _context(booking: Booking) -> dict[str, Any]:
    return {
        "room_name": booking.room.name,
        "mpp_name": booking.mpp.name,
        "group_name": booking.group_name,
        "starts_at": booking.starts_at,
        "ends_at": booking.ends_at,
        "timezone": booking.region.timezone,
    }


def managers(booking: Booking, *, with_regional_admins: bool = False) -> set[User]:
    """The MPP's managers (and, for an overdue decision, the kab/kota's regional admins)."""
    grants = RoleGrant.objects.active().select_related("user")
    chosen = grants.filter(role=Role.MPP_MANAGER, mpp_id=booking.mpp_id)
    if with_regional_admins:
        chosen = chosen | grants.filter(role=Role.REGIONAL_ADMIN, region_id=booking.region_id)
    return {grant.user for grant in chosen if grant.user.is_active}


def tell_managers_of_request(booking: Booking, data: Any) -> None:
    context = _context(booking) | {"due_at": booking.due_at}
    for user in managers(booking):
        notify(user, "rooms.requested", context, link=_link(booking))


def tell_requester_of_decision(booking: Booking, record: TransitionRecord) -> None:
    if booking.requester is None:
        return
    context = _context(booking) | {"action": record.action, "note": record.note}
    notify(booking.requester, "rooms.decided", context, link=_link(booking))


def tell_other_side_of_cancellation(booking: Booking, record: TransitionRecord) -> None:
    """The manager's cancellation goes to the requester; the requester's to the managers."""
    context = _context(booking) | {
        "by_manager": booking.cancelled_by_manager,
        "reason": booking.cancel_reason,
    }
    if booking.cancelled_by_manager:
        recipients = {booking.requester} if booking.requester is not None else set()
    else:
        recipients = managers(booking)
    for user in recipients:
        notify(user, "rooms.cancelled", context, link=_link(booking))


def tell_overseers_of_overdue(booking: Booking, record: TransitionRecord) -> None:
    context = _context(booking) | {"due_at": booking.due_at}
    for user in managers(booking, with_regional_admins=True):
        notify(user, "rooms.overdue", context, link=_link(booking))


def refresh_programme(booking: Booking, record: TransitionRecord) -> None:
    """A public booking approved or cancelled: the MPP's cached programme page is stale."""
    if booking.is_public:
        public_cache.changed()


def register(registry: HookRegistry = hooks) -> None:
    registry.register(BOOKING_EVENTS, tell_managers_of_request, action=REQUESTED)
    for action in ("approve", "approve_with_conditions", "decline", "expire"):
        registry.register(ROOM_BOOKING.name, tell_requester_of_decision, action=action)
    registry.register(ROOM_BOOKING.name, tell_other_side_of_cancellation, action="cancel")
    registry.register(ROOM_BOOKING.name, tell_overseers_of_overdue, action="escalate")
    for action in ("approve", "approve_with_conditions", "cancel"):
        registry.register(ROOM_BOOKING.name, refresh_programme, action=action)
