"""Writes for the working-day calendar: adding and removing overrides (audited)."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from mpp.accounts.policy import Perm, can
from mpp.audit.models import AuditAction
from mpp.audit.services import record_event
from mpp.regions.models import CalendarOverride, Region

FIRST_YEAR, LAST_YEAR = 2020, 2035


class CalendarOverrideError(Exception):
    """The override was refused; ``errors`` maps form fields ("" for the whole form) to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("; ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


def _check_scope(actor, region: Region | None) -> None:
    if not can(actor, Perm.MANAGE_CALENDAR, region):
        if region is None:
            message = _("Hanya Kementerian PANRB yang dapat mengubah kalender nasional.")
        else:
            message = _("Anda tidak berwenang mengubah kalender %(region)s.") % {
                "region": region.name
            }
        raise CalendarOverrideError({"": [message]})


def add_override(
    *,
    actor,
    region: Region | None,
    date: datetime.date | None,
    kind: str,
    reason: str,
    request: HttpRequest | None = None,
) -> CalendarOverride:
    """Make ``date`` a day off or a working day in ``region`` (None: nationwide)."""
    _check_scope(actor, region)
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if date is None:
        errors["date"] = [_("Isi tanggal.")]
    elif not FIRST_YEAR <= date.year <= LAST_YEAR:
        errors["date"] = [
            _("Tanggal harus antara tahun %(first)s dan %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        ]
    if kind not in CalendarOverride.Kind.values:
        errors["kind"] = [_("Pilih jenis hari: hari libur atau hari kerja.")]
    if not reason:
        errors["reason"] = [_("Tuliskan alasannya, misalnya nomor surat keputusan.")]
    elif len(reason) > 200:
        errors["reason"] = [_("Alasan paling banyak 200 karakter.")]
    if errors or date is None:
        raise CalendarOverrideError(errors)
    duplicate = CalendarOverride.objects.filter(region=region, date=date).exists()
    if duplicate:
        raise CalendarOverrideError(
            {"date": [_("Sudah ada pengecualian pada tanggal ini. Hapus dulu yang lama.")]}
        )
    try:
        with transaction.atomic():
            override = CalendarOverride.objects.create(
                region=region, date=date, kind=kind, reason=reason, created_by=actor
            )
            record_event(
                AuditAction.CALENDAR_OVERRIDE_ADDED,
                actor=actor,
                target=override,
                summary=f"{region.code if region else 'nasional'} {date:%Y-%m-%d} {kind}",
                request=request,
            )
    except IntegrityError:
        # Two administrators saving the same date at once: the second is told, as above.
        raise CalendarOverrideError(
            {"date": [_("Sudah ada pengecualian pada tanggal ini. Hapus dulu yang lama.")]}
        ) from None
    return override


@transaction.atomic
def remove_override(
    override: CalendarOverride, *, actor, request: HttpRequest | None = None
) -> None:
    """Remove an override: the date follows the national calendar (or the package) again."""
    _check_scope(actor, override.region)
    summary = f"{override.region_id or 'nasional'} {override.date:%Y-%m-%d} {override.kind}"
    record_event(
        AuditAction.CALENDAR_OVERRIDE_REMOVED,
        actor=actor,
        target=override,
        summary=summary,
        request=request,
        data={"reason": override.reason},
    )
    override.delete()
