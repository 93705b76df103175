"""What follows a committed onboarding transition: the region's contact and, when the review is
overdue, the ministry's admins are told.

Registered in :meth:`mpp.onboarding.apps.OnboardingConfig.ready`. Each hook is idempotent (a person
already told about this transition is not told again), so a failing one is safely retried by
:func:`mpp.workflows.services.retry_failed_hooks`.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from mpp.accounts.models import Role, User
from mpp.notifications.base import Channel
from mpp.notifications.models import Notification
from mpp.notifications.registry import kinds
from mpp.notifications.rendering import render_message
from mpp.notifications.services import notify
from mpp.onboarding.models import OnboardingApplication
from mpp.onboarding.workflow import REGION_ONBOARDING
from mpp.workflows.hooks import HookRegistry, hooks
from mpp.workflows.models import TransitionRecord

STANDING_ACTIONS = ("probation", "restore", "revoke")


def _link(application: OnboardingApplication) -> str:
    return reverse("onboarding:detail", args=[application.pk])


def region_message(
    application: OnboardingApplication, record: TransitionRecord
) -> tuple[str, dict]:
    """The kind and context of what the region is told about ``record``."""
    region_name = application.region.name
    if record.action == "return":
        return "onboarding.returned", {"region_name": region_name, "reason": record.note}
    if record.action in STANDING_ACTIONS:
        standing = OnboardingApplication.Standing(application.standing).label
        return "onboarding.standing", {
            "region_name": region_name,
            "standing": str(standing),
            "reason": record.note,
        }
    return "onboarding.progress", {
        "region_name": region_name,
        "reference": application.reference,
        "action": record.action,
        "phase": application.phase or "",
        "due_at": application.due_at,
        "timezone": application.region.timezone,
    }


def _already_told(user: User, kind: str, link: str, record: TransitionRecord) -> bool:
    return Notification.objects.filter(
        recipient=user, kind=kind, link=link, created_at__gte=record.at
    ).exists()


def tell_region(application: OnboardingApplication, record: TransitionRecord) -> None:
    """Tell the region's contact. An account with the contact's address gets the notice (inbox and
    email, retried by the notifications' sweep) only when its owner verified the address; before
    the contact has such an account the notice is mailed to the address named on the
    application, and a mail server that is down makes this hook fail, recorded and retried."""
    kind, context = region_message(application, record)
    link = _link(application)
    accounts = User.objects.filter(
        email__iexact=application.contact_email, email_verified_at__isnull=False, is_active=True
    )[:1]
    for user in accounts:
        if not _already_told(user, kind, link, record):
            notify(user, kind, context, link=link)
        return
    message = render_message(
        kinds.get(kind),
        Channel.EMAIL,
        context,
        link=link,
        language=settings.LANGUAGE_CODE,
        recipient_name=application.contact_name,
    )
    send_mail(message.subject, message.body, None, [application.contact_email])


def tell_ministry_review_overdue(
    application: OnboardingApplication, record: TransitionRecord
) -> None:
    """The review passed its deadline: every active ministry admin is told, once."""
    link = _link(application)
    admins = User.objects.filter(
        role_grants__role=Role.MINISTRY_ADMIN, role_grants__revoked_at__isnull=True, is_active=True
    ).distinct()
    context = {
        "region_name": application.region.name,
        "reference": application.reference,
        "due_at": application.due_at,
        "timezone": application.region.timezone,
    }
    for admin in admins:
        if not _already_told(admin, "onboarding.review_overdue", link, record):
            notify(admin, "onboarding.review_overdue", context, link=link)


def register(registry: HookRegistry = hooks) -> None:
    registry.register(REGION_ONBOARDING.name, tell_region)
    registry.register(REGION_ONBOARDING.name, tell_ministry_review_overdue, action="escalate")
