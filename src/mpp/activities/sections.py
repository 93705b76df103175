"""The MPP page's section: the next activities of the MPP (``catalog.extensions``)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from mpp.activities.selectors import upcoming_at


def mpp_programme_section(mpp: object) -> SafeString | str:
    activities = upcoming_at(getattr(mpp, "pk", 0))
    return render_to_string("activities/_mpp_section.html", {"mpp": mpp, "activities": activities})
