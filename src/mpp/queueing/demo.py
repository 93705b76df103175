"""The demo queue at MPP Kota Batam: quotas, counters, one kiosk, the no-show rule and a few tickets.
Four queues are made by hand; every other counter service of the MPP gets one with the defaults.

Idempotent: existing rows are kept (including edits made in the demo); tickets are added only on a
day that has none yet. Tickets go through the real services.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from mpp.accounts.models import User
from mpp.catalog.models import Channel, Service
from mpp.devices.demo import demo_device
from mpp.devices.models import DeviceKind
from mpp.queueing import services
from mpp.queueing.models import Counter, QueueRules, ServiceQueue, Ticket
from mpp.tenancy.models import MPP

DEMO_KIOSK_TOKEN = "anjungan-demo-batam-2026"  # noqa: S105 - a published demo credential
# (service slug, prefix, slot minutes, online per slot, walk-in per slot, online per day, walk-in per day)
QUEUES = [
    ("batam-ktp-el-baru", "A", 20, 3, 3, 50, 50),  # Dukcapil caps KTP-el numbers per day
    ("batam-kk-baru", "B", 30, 2, 2, 30, 30),
    ("batam-akta-kelahiran", "C", 30, 2, 2, 30, 30),
    ("batam-sip-dokter", "D", 30, 2, 2, 16, 16),
]
# (counter number, agency slug, the prefixes it serves)
COUNTERS = [
    (1, "disdukcapil-batam", "AB"),
    (2, "disdukcapil-batam", "ABC"),
    (3, "disdukcapil-batam", "C"),
    (4, "dinkes-batam", "D"),
]


def load() -> dict:
    mpp = MPP.objects.select_related("region").filter(slug="mpp-kota-batam").first()
    if mpp is None:
        return {}
    queues = {}
    for slug, prefix, minutes, online, walk_in, online_day, walk_in_day in QUEUES:
        service = Service.objects.filter(slug=slug).first()
        if service is None or service.agency is None:
            continue
        queue, _created = ServiceQueue.objects.get_or_create(
            service=service,
            defaults={
                "mpp": mpp,
                "agency": service.agency,
                "prefix": prefix,
                "slot_minutes": minutes,
                "online_per_slot": online,
                "walk_in_per_slot": walk_in,
                "online_per_day": online_day,
                "walk_in_per_day": walk_in_day,
            },
        )
        queues[queue.prefix] = queue
    for number, _agency_slug, prefixes in COUNTERS:
        wanted = [queues[p] for p in prefixes if p in queues]
        if not wanted or Counter.objects.filter(mpp=mpp, number=number).exists():
            continue
        counter = Counter.objects.create(mpp=mpp, agency=wanted[0].agency, number=number)
        counter.queues.set(wanted)
    _every_counter_service(mpp, queues)
    QueueRules.objects.get_or_create(
        mpp=mpp, defaults={"no_show_limit": 3, "no_show_days": 30, "grace_minutes": 15}
    )
    kiosk = demo_device(mpp, DeviceKind.QUEUE_KIOSK, "Anjungan pintu utama", DEMO_KIOSK_TOKEN)
    _tickets(mpp, kiosk, queues)
    return {"mpp": mpp, "queues": queues, "kiosk": kiosk}


def _prefixes():
    """E, F, … Z, then AA, AB, …: the letters after the four hand-made queues."""
    letters = [chr(c) for c in range(ord("E"), ord("Z") + 1)]
    yield from letters
    for first in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        for second in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
            yield first + second


def _every_counter_service(mpp, queues) -> None:
    """Every other published service of the MPP that is served at a counter gets a queue with the
    default quotas, and each agency one counter for its queues, so that every service a citizen
    may visit can be booked (issue 23: only 4 of 42 services could)."""
    taken = set(ServiceQueue.objects.filter(mpp=mpp).values_list("prefix", flat=True))
    free = (prefix for prefix in _prefixes() if prefix not in taken)
    services_at = (
        Service.objects.published()
        .filter(mpp=mpp, channel__in=(Channel.COUNTER, Channel.BOTH), queue__isnull=True)
        .select_related("agency")
        .order_by("agency__name", "name")
    )
    by_agency: dict[int, list[ServiceQueue]] = {}
    for service in services_at:
        queue = ServiceQueue.objects.create(
            service=service, mpp=mpp, agency=service.agency, prefix=next(free)
        )
        queues[queue.prefix] = queue
        by_agency.setdefault(service.agency_id, []).append(queue)
    number = (
        Counter.objects.filter(mpp=mpp).order_by("-number").values_list("number", flat=True).first()
        or 0
    )
    for agency_queues in by_agency.values():
        counter = Counter.objects.filter(mpp=mpp, agency_id=agency_queues[0].agency_id).first()
        if counter is None:
            number += 1
            counter = Counter.objects.create(
                mpp=mpp, agency_id=agency_queues[0].agency_id, number=number
            )
        counter.queues.add(*agency_queues)


def _tickets(mpp, kiosk, queues) -> None:
    """Four walk-ins this morning (one elderly with a companion asked for, one with a wheelchair,
    one for KK then KTP-el; only once the MPP has opened) and a booking for the demo citizen
    (KTP-el, then KK on the same number) that asks for help with the forms."""
    if "A" not in queues:
        return
    local = services.local_now(mpp)
    day = local.date()
    if Ticket.objects.filter(mpp=mpp, date__gte=day).exists():
        return
    opening = services.slot_times(queues["A"], day)
    if opening:
        start = datetime.datetime.combine(day, opening[0][0], tzinfo=local.tzinfo)
        # The fourth visitor needs a new KK and then a KTP-el: one number for both (issue 28).
        visits: list[tuple[int, str, str, list[ServiceQueue], tuple[str, ...]]] = [
            (2, "", "A", [], ()),
            (4, "lansia", "A", [], ("pendamping_lansia",)),
            (6, "", "A", [], ("kursi_roda",)),
        ]
        if "B" in queues:
            visits.append((8, "", "B", [queues["A"]], ()))
        for minutes, group, prefix, then, assistance in visits:
            moment = start + datetime.timedelta(minutes=minutes)
            if moment > local:
                break  # before opening: no ticket stamped in the future (a call would precede it)
            services.issue_walk_in(
                kiosk,
                queues[prefix],
                then=then,
                priority_group=group,
                assistance=assistance,
                now=moment,
            )
    citizen = User.objects.filter(nik="2171011508900003").first()
    if citizen is None:
        return
    for offset in range(1, 15):
        later = day + datetime.timedelta(days=offset)
        times = services.slot_times(queues["A"], later)
        if times:
            # KTP-el, then KK on the same number (a visit of two services, issue 28).
            services.book(
                citizen,
                queues["A"],
                later,
                times[len(times) // 3][0],
                then=[queues["B"]] if "B" in queues else [],
                assistance=("bantuan_formulir",),
                assistance_note="Penglihatan saya kurang baik; mohon dibantu membaca formulir.",
                now=timezone.now(),
            )
            return
