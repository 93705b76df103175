"""Template helpers for SKM figures, and the public "latest IKM" block the catalog pages include
(``{% load surveys %}{% skm_latest mpp=mpp %}``): catalog renders it by name and never imports
surveys."""

from __future__ import annotations

from fractions import Fraction

from django import template
from django.utils import timezone

from mpp.surveys import ikm

register = template.Library()


def _decimals(value, places: int) -> str:
    if value is None or value == "":
        return ""
    return str(ikm.rounded(Fraction(value), places)).replace(".", ",")


@register.filter
def dua_desimal(value) -> str:
    """An exact value shown with 2 decimals, Indonesian comma: 88,31."""
    return _decimals(value, 2)


@register.filter
def tiga_desimal(value) -> str:
    return _decimals(value, 3)


@register.inclusion_tag("surveys/components/latest_ikm.html")
def skm_latest(mpp=None, service=None):
    """The latest published IKM (last full quarter with respondents) of an MPP or a service."""
    from mpp.surveys.models import Improvement
    from mpp.surveys.selectors import latest_published
    from mpp.surveys.units import Unit

    if service is not None:
        unit = Unit("service", str(service.pk))
    elif mpp is not None:
        unit = Unit("mpp", str(mpp.pk))
    else:
        return {"latest": None}
    found = latest_published(unit, timezone.localdate(), service=service)
    if found is None:
        return {"latest": None}
    period, result = found
    return {
        "latest": result,
        "period": period,
        "improvements": Improvement.objects.filter(unit=unit.key)[:3],
    }
