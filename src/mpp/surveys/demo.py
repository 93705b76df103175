"""Demo data for the survey: the national questionnaire, a kiosk at MPP Kota Batam with a known
token (README), and a year of kiosk responses for some Batam services so the report has figures."""

from __future__ import annotations

import datetime
import random

from django.utils import timezone

from mpp.catalog.models import Service
from mpp.devices.demo import demo_device
from mpp.devices.models import DeviceKind
from mpp.surveys import services
from mpp.surveys.models import Response
from mpp.surveys.services import Submission
from mpp.tenancy.models import MPP

DEMO_KIOSK_TOKEN = "skmk_demo-batam-kios-2026"  # noqa: S105 - demo-only, listed in the README
SUGGESTIONS = (
    "Ruang tunggu mohon diberi pendingin yang cukup.",
    "Petugas ramah, tetapi antrean pagi terlalu panjang.",
    "Persyaratan di situs sudah jelas, terima kasih.",
    "Mohon tambah kursi untuk lansia di dekat loket.",
)


def load(responses: int = 160) -> None:
    services.ensure_national_default()
    mpp = MPP.objects.filter(slug="mpp-kota-batam").first()
    if mpp is None:
        return
    batam_services = list(
        Service.objects.filter(mpp=mpp, current_version__isnull=False).order_by("slug")[:4]
    )
    if not batam_services:
        return
    device = demo_device(
        mpp,
        DeviceKind.SKM_KIOSK,
        "Tablet kios lantai 1",
        DEMO_KIOSK_TOKEN,
        choice=str(batam_services[0].pk),
    ).skm_kiosk
    if Response.objects.filter(kiosk=device).exists():
        return
    chance = random.Random(2026)  # noqa: S311 - demo figures, not security
    now = timezone.now()
    start = now - datetime.timedelta(days=330)
    for number in range(responses):
        service = batam_services[number % len(batam_services)]
        at = start + datetime.timedelta(minutes=chance.randrange(0, 330 * 24 * 60))
        answers = {f"U{n}": chance.choices((2, 3, 4), weights=(1, 5, 4))[0] for n in range(1, 10)}
        suggestion = SUGGESTIONS[number % len(SUGGESTIONS)] if number % 9 == 0 else ""
        services.submit_at_kiosk(
            device, Submission(answers, suggestion), service=service, at=min(at, now)
        )
