"""Rendering a kind's templates for one channel in the recipient's language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.template import Context
from django.template.backends.django import DjangoTemplates
from django.urls import reverse
from django.utils import translation

from mpp.notifications.base import PHONE_CHANNELS, Channel, NotificationKind
from mpp.regions.localtime import NATIONAL_ZONE_NAME


@dataclass(frozen=True)
class RenderedMessage:
    subject: str
    body: str


@cache
def _text_engine() -> DjangoTemplates:
    """The project's templates and tag libraries, without HTML escaping: these are plain texts."""
    return DjangoTemplates(
        {
            "NAME": "notifications-text",
            "DIRS": [],
            "APP_DIRS": True,
            "OPTIONS": {"autoescape": False},
        }
    )


def _render(names: list[str], context: dict[str, Any]) -> str:
    return _text_engine().engine.select_template(names).render(Context(context))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _paragraphs(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def absolute_url(link: str) -> str:
    return settings.MPP_PUBLIC_BASE_URL.rstrip("/") + link if link else ""


def render_message(
    kind: NotificationKind,
    channel: Channel,
    context: dict[str, Any],
    *,
    link: str,
    language: str,
    recipient_name: str = "",
    has_account: bool = True,
) -> RenderedMessage:
    """Subject and body of ``kind`` for ``channel``, in ``language``.

    Templates get the caller's context plus ``recipient_name``, ``link_url`` (absolute, for
    email, SMS and WhatsApp; empty in the inbox, whose page shows the link as a button) and
    ``site_name``. A person without an account (``has_account`` false) gets no link to
    notification preferences they cannot open.
    """
    template_context = {
        # ``|waktu:timezone`` shows moments in the region's zone; WIB unless the caller says.
        "timezone": NATIONAL_ZONE_NAME,
        **context,
        "recipient_name": recipient_name,
        "link_url": "" if channel == Channel.INBOX else absolute_url(link),
        "site_name": settings.SITE_NAME,
        "channel": channel.value,
    }
    with translation.override(language):
        body = _render(kind.body_templates(channel), template_context)
        if channel in PHONE_CHANNELS:
            return RenderedMessage(subject="", body=_paragraphs(body))
        subject = _render(kind.subject_templates(channel), template_context)
        if channel == Channel.EMAIL:
            footer = _render(
                ["notifications/email/footer.txt"],
                {
                    **template_context,
                    "preferences_url": absolute_url(_preferences_path()) if has_account else "",
                },
            )
            body = f"{body.strip()}\n\n{footer.strip()}"
    return RenderedMessage(subject=_one_line(subject)[:255], body=_paragraphs(body))


def _preferences_path() -> str:
    return reverse("notifications:preferences")
