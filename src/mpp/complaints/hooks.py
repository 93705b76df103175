"""What follows a committed complaint transition: the reporter is told, overseers are told of an
escalation, the service's public page shows a new FAQ.

Registered in :meth:`mpp.complaints.apps.ComplaintsConfig.ready`; run by the workflow engine after
the commit. A hook that fails (the notifications' tables locked, the cache down) is recorded as a
:class:`~mpp.workflows.models.HookFailure` and run again by
:func:`mpp.workflows.services.retry_failed_hooks` with the complaint as it is then; the action it
followed stays committed. The hooks only write rows in their own transaction (``notify`` stores a
notification that a task delivers after the commit, retried by the notifications' sweep when the
mail server is down), so a failed hook leaves nothing behind and a retry tells each person once.
"""

from __future__ import annotations

from typing import Any

from mpp.accounts.models import Role, RoleGrant, User
from mpp.catalog import public_cache
from mpp.complaints.models import Complaint
from mpp.complaints.workflow import COMPLAINT
from mpp.notifications.services import notify, notify_contact
from mpp.workflows.hooks import HookRegistry, hooks
from mpp.workflows.models import TransitionRecord


def reporter_message(complaint: Complaint, record: TransitionRecord) -> tuple[str, dict[str, Any]]:
    """The kind and context of what the reporter is told about ``record``."""
    context: dict[str, Any] = {"tracking_number": complaint.tracking_number}
    if record.action == "submit":
        return "complaint.received", context | {"due_at": complaint.due_at}
    if record.action == "postpone":
        return "complaint.postponed", context | {"reason": record.note}
    return "complaint.answered", context | {"reply_until": complaint.reply_until}


def tell_reporter(complaint: Complaint, record: TransitionRecord) -> None:
    """Tell the reporter, with the follow link: an account holder through their account (their
    channels and preferences); a guest at the email address or phone number they confirmed (an
    unconfirmed contact, an Open311 partner's, is never written to)."""
    kind, context = reporter_message(complaint, record)
    link = f"/pengaduan/lacak/{complaint.follow_token}/"
    if complaint.reporter is not None:
        notify(complaint.reporter, kind, context, link=link)
        return
    contact = complaint.reporter_email or complaint.reporter_phone
    if contact and complaint.contact_confirmed:
        notify_contact(
            contact, kind, context, link=link, language=complaint.reporter_language or "id"
        )


def overseers(complaint: Complaint, record: TransitionRecord) -> set[User]:
    """Who an escalation goes to: level 1 the MPP's managers, level 2 the kab/kota's regional
    admins; the whole-case limit both at once."""
    grants = RoleGrant.objects.active().select_related("user")
    managers = grants.filter(role=Role.MPP_MANAGER, mpp_id=complaint.mpp_id)
    admins = grants.filter(role=Role.REGIONAL_ADMIN, region_id=complaint.region_id)
    if record.action == "exceed_limit":
        chosen = managers | admins
    elif record.data.get("level") == 1:
        chosen = managers
    else:
        chosen = admins
    return {grant.user for grant in chosen}


def tell_overseers(complaint: Complaint, record: TransitionRecord) -> None:
    context = {
        "tracking_number": complaint.tracking_number,
        "due_at": complaint.resolve_by if record.action == "exceed_limit" else complaint.due_at,
        "level": record.data.get("level", 2),
    }
    kind = "complaint.limit_exceeded" if record.action == "exceed_limit" else "complaint.escalated"
    for user in overseers(complaint, record):
        notify(user, kind, context, link=f"/kelola/pengaduan/{complaint.pk}/")


def renew_public_faq(complaint: Complaint, record: TransitionRecord) -> None:
    """A consultation answer marked useful is a new FAQ on the service's cached public page."""
    if record.data.get("faq"):
        public_cache.bump()


def register(registry: HookRegistry = hooks) -> None:
    for action in ("submit", "postpone", "respond"):
        registry.register(COMPLAINT.name, tell_reporter, action=action)
    for action in ("escalate", "exceed_limit"):
        registry.register(COMPLAINT.name, tell_overseers, action=action)
    registry.register(COMPLAINT.name, renew_public_faq, action="respond")
