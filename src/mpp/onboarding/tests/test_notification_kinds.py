"""The onboarding messages render on every channel, in Indonesian and English, for every step."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest

from mpp.notifications import registry
from mpp.notifications.base import Channel
from mpp.notifications.rendering import render_message

DUE = datetime.datetime(2026, 11, 16, 23, 59, tzinfo=zoneinfo.ZoneInfo("Asia/Makassar"))
CONTEXT = {
    "region_name": "Kota Denpasar",
    "reference": "LOK-5171-202601",
    "phase": 2,
    "due_at": DUE,
    "timezone": "Asia/Makassar",
}
STEPS = ("resubmit", "designate", "upload_agreement", "grant_access", "escalate")


@pytest.mark.parametrize("action", STEPS)
@pytest.mark.parametrize("channel", list(Channel))
def test_every_step_the_region_is_told_renders_on_every_channel(action, channel):
    kind = registry.kinds.get("onboarding.progress")
    message = render_message(
        kind, channel, {**CONTEXT, "action": action}, link="/kelola/penerapan/1/",
        language="id", recipient_name="Made Wirawan",
    )  # fmt: skip
    assert "LOK-5171-202601" in message.body and "{" not in message.body
    assert bool(message.subject) == (channel in (Channel.EMAIL, Channel.INBOX))


def test_the_region_reads_its_designation_and_deadline_in_english_and_local_time():
    kind = registry.kinds.get("onboarding.progress")
    designated = render_message(
        kind, Channel.EMAIL, {**CONTEXT, "action": "designate"}, link="", language="en"
    )
    assert "designated Kota Denpasar as an MPP Digital locus in phase 2" in designated.body
    resubmitted = render_message(
        kind, Channel.EMAIL, {**CONTEXT, "action": "resubmit"}, link="", language="id"
    )
    assert "16 November 2026 23.59 WITA" in resubmitted.body


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_ministry_is_told_an_overdue_review_with_its_deadline(language):
    kind = registry.kinds.get("onboarding.review_overdue")
    message = render_message(
        kind, Channel.EMAIL, CONTEXT, link="/kelola/penerapan/1/", language=language
    )
    assert "LOK-5171-202601" in message.subject and "WITA" in message.body
