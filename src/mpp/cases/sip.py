"""Health-worker practice permits (SIP): the SATUSEHAT SDMK check on submission.

Every service of the category "Perizinan kesehatan" (the SIP of doctors, dentists, nurses,
midwives, pharmacists and other health workers) asks SATUSEHAT SDMK, after the commit of the
submission (and of each resubmission), whether the applicant's NIK is a registered health worker
with a valid STR. The submission never waits on it:

- **cocok** — the officer sees the IHS number and the STR's validity on the application;
- **tidak cocok** — not a registered health worker, or the STR has expired: the application is
  held (the system's ``hold``: back to the applicant, the clock paused) with the reason, until the
  applicant sends it again, which checks again;
- **tidak dapat dicek** — SATUSEHAT is down: the application goes on, flagged for the officer, and
  the deadline sweep checks again. Fiktif positif is not stopped by a check that could not be made.

A check settled after the decision (the officer approved while SATUSEHAT was down) changes
nothing on the application; the officer sees the answer on it.
"""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone, translation

from mpp.cases.models import Application
from mpp.cases.workflow import UNDECIDED
from mpp.catalog.models import Category
from mpp.deadlines import services as clock
from mpp.integrations import services as integrations
from mpp.integrations.models import Verification, VerificationState
from mpp.regions.formatting import format_date
from mpp.workflows.definitions import SYSTEM
from mpp.workflows.errors import ActionNotAllowed, StaleVersion
from mpp.workflows.services import apply_action

logger = logging.getLogger(__name__)

PURPOSE = "sip"

# The reason the applicant reads (kept as the transition's note, in the platform's language).
NOT_REGISTERED_NOTE = (
    "Permohonan ditahan: NIK Anda tidak terdaftar sebagai tenaga kesehatan di SATUSEHAT SDMK "
    "Kementerian Kesehatan. Pastikan data Anda sudah tercatat di SATUSEHAT SDMK (melalui "
    "fasilitas pelayanan kesehatan tempat Anda bekerja atau Konsil), lalu kirim ulang permohonan."
)
STR_EXPIRED_NOTE = (
    "Permohonan ditahan: STR Anda yang tercatat di SATUSEHAT SDMK ({number}) habis berlaku pada "
    "{date}. Perbarui STR Anda, lalu kirim ulang permohonan."
)


def needs_check(application: Application) -> bool:
    return application.service_version.category == Category.PERIZINAN_KESEHATAN


def purpose_of(application: Application) -> str:
    return f"{PURPOSE}:{application.pk}"


def start_check(application: Application) -> None:
    """On (re)submission: a SATUSEHAT SDMK check, run after the commit (no-op without a
    configured connector for the MPP's kab/kota or the nation)."""
    if not needs_check(application):
        return
    integrations.start_practitioner_check(
        subject=application.applicant,
        purpose=purpose_of(application),
        region_id=application.mpp.region_id,
        reference=application.tracking_number,
    )


def _note(verification: Verification) -> str:
    elements = verification.elements
    if elements.get("reason") == integrations.STR_EXPIRED:
        until = datetime.date.fromisoformat(elements["str_valid_until"])
        with translation.override("id"):  # the note is kept in the platform's language
            date = format_date(until)
        return STR_EXPIRED_NOTE.format(number=elements.get("str_number", ""), date=date)
    return NOT_REGISTERED_NOTE


def on_settled(verification: Verification) -> None:
    """A settled check: a mismatch holds the application while it is still undecided."""
    if verification.state != VerificationState.NOT_MATCHED:
        return
    pk = verification.purpose.partition(":")[2]
    application = (
        Application.objects.select_related("service_version", "mpp__region", "applicant")
        .filter(pk=int(pk) if pk.isdigit() else None, status__in=UNDECIDED)
        .first()
    )
    if application is None:  # decided meanwhile: the officer sees the answer on it
        return
    now = timezone.now()
    try:
        with transaction.atomic():
            apply_action(
                application,
                "hold",
                actor_user=None,
                actor_kinds={SYSTEM},
                note=_note(verification),
                changes=clock.pause(application, at=now),
            )
    except (ActionNotAllowed, StaleVersion):  # an officer's action won the race: theirs stands
        logger.info("SIP hold skipped for application %s: it moved on", application.pk)
