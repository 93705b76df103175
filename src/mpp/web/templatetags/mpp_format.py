from django import template

from mpp.regions import formatting
from mpp.regions.localtime import NATIONAL_ZONE_NAME

register = template.Library()


@register.filter
def tanggal(value):
    """``27 November 2026``."""
    return formatting.format_date(value)


@register.filter
def tanggal_di(value, tz_name=NATIONAL_ZONE_NAME):
    """``27 November 2026``, the day in the given zone."""
    return formatting.format_local_date(value, tz_name or NATIONAL_ZONE_NAME)


@register.filter
def waktu(value, tz_name=NATIONAL_ZONE_NAME):
    """``27 November 2026 14.30 WIB``."""
    return formatting.format_datetime(value, tz_name or NATIONAL_ZONE_NAME)


@register.filter
def jam(value, tz_name=NATIONAL_ZONE_NAME):
    """``14.30 WIB``."""
    return formatting.format_time(value, tz_name or NATIONAL_ZONE_NAME)


@register.filter
def rupiah(value):
    """``Rp 10.000``."""
    return formatting.format_rupiah(value)
