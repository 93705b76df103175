"""SKM survey: an invitation per finished transaction, responses with their answers, day sums.

What the product writes as transactions finish and people answer (``mpp.surveys``):

- **Invitations**: one per finished transaction, as the workflow hook ``surveys.services.invite``
  writes it when an application is issued or rejected (and a queue ticket served or a complaint
  closed, for the processes generated before this module): the citizen, unit and officer of the
  object's ``skm_subject()``, ``finished_at`` = the time of the finishing ``TransitionRecord``,
  the local day, 30 days to answer. The link's token is ``bench-skm-<invitation id>`` (only its
  hash is stored, as in production), so a load test can open ``/skm/isi/bench-skm-<id>/``. About
  90 % of the applications finish: 1,796 invitations at the tiny scale, 44,555 at the small, ~9
  million at the national. The notification of each invitation is not generated.
- **Kiosks**: one tablet per MPP (Kota Batam keeps the demo kiosk, token
  ``skmk_demo-batam-kios-2026``); the others' tokens are ``skmk_bench-<mpp id>``.
- **Responses**: about one per five applications (``applications // 5``: 400 tiny, 10,000 small,
  2,000,000 national), because only a share of the people who finish a transaction rate it: 55 % on
  the kiosk at the MPP's exit, on working days in office hours, at an MPP drawn by the Zipf weights
  and for one of its services (population services five times as often); 45 % from an invitation —
  about 10 % of the invitations are answered (three in four by the link of the SMS/e-mail,
  ``invitation``; one in four in the mobile app, ``app``), half within three hours of the
  transaction, the rest within the 30 days, never after the data set's today; such a response is
  linked to its transaction (content type and id), its invitation (``used_at`` set) and the officer
  who handled it. Each response answers every element of the questionnaire that applies (the
  national one with the nine standard elements unless a unit has its own): **nine answers** each
  (397 responses and 3,573 answers tiny, 9,806 and 88,254 small, ~2M and ~18M national). Answers
  are drawn around a latent mean per response: a national level (IKM ~82), the MPP's and the
  agency-at-MPP's own level (6 % of the units markedly worse: grade C), the element's (U4 biaya
  high since most services are free, U3 waktu and U8 pengaduan low), the officer's for U7 perilaku,
  a slow improvement over the two years, the respondent's mood shared by their nine answers,
  rejected applications much lower, kiosk answers a little higher (answered in front of the staff).
  So the IKM of most units is 78–88 (grade B), some A, some C. About 8 % leave a suggestion, most
  fill in the profile (age, sex, education, occupation).
- **Day sums** (``DaySum``): exactly what the product's ``recompute_skm_sums`` builds from the rows
  — respondents and Σ answers per local day × unit × element (national, kab/kota, MPP, agency,
  agency at MPP, service), written as the responses are generated (merged with the demo's rows);
  the population (finished transactions) recomputed in SQL from the transition history and, per
  service, from the invitations. 39,808 rows tiny, 685,372 small (104 MiB); at the national scale
  the order of 60 million (the sums are kept per service and day, and a service has ~160 responses
  in two years, so they barely aggregate there).
- **Per-officer sums** (``OfficerDaySum``): likewise what ``recompute_skm_sums`` builds — Σ U7 and
  its count per local day × unit × officer, for the responses naming an officer (from an
  invitation), over the units a per-officer page can be asked for (MPP, agency, agency at MPP,
  service), written as the responses are generated (merged with the demo's rows).

Follow-ups of suggestions and improvement plans (staff write-ups) are not generated.
"""

from __future__ import annotations

import bisect
import datetime
import hashlib
import heapq
import math
from collections import defaultdict
from zoneinfo import ZoneInfo

from bench.data.base import Context, as_json, cumulate, weighted_index

DAYS = 730
RESPONSES_PER_APPLICATION = 1 / 5
INVITED_SHARE = 0.45  # of the responses: from an invitation (link or app); the rest at a kiosk
APP_SHARE = 0.25  # of the invitation responses: answered in the mobile app
CATEGORY_WEIGHT = {"kependudukan": 5.0}
ANSWERABLE = datetime.timedelta(days=30)
# The latent level of an answer (1–4): national level, then offsets (see the docstring).
BASE = 3.30
ELEMENT_OFFSET = {
    "U1": 0.02, "U2": -0.04, "U3": -0.17, "U4": 0.30, "U5": 0.04, "U6": 0.03, "U7": 0.08,
    "U8": -0.14, "U9": -0.07,
}  # fmt: skip
KIOSK_BONUS = 0.08
REJECTED = -0.55
TROUBLED_SHARE, TROUBLED = 0.06, -0.40
SIGMA = 0.62  # spread of one answer around its latent level
SUGGESTIONS_LOW = (
    "Antrean terlalu lama, mohon tambah petugas di loket.",
    "Waktu penyelesaian melebihi yang dijanjikan di standar pelayanan.",
    "Informasi persyaratan di situs berbeda dengan yang diminta di loket.",
    "Pengaduan saya belum ditanggapi sampai sekarang.",
    "Ruang tunggu panas dan kursi kurang.",
    "Sistem sering gangguan sehingga harus datang lagi.",
)
SUGGESTIONS_HIGH = (
    "Petugas ramah dan membantu, terima kasih.",
    "Pelayanan cepat, pertahankan.",
    "Mohon tambah kursi untuk lansia di dekat loket.",
    "Persyaratan di situs sudah jelas, terima kasih.",
    "Parkir kendaraan mohon diperluas.",
    "Sebaiknya ada layanan pada hari Sabtu.",
)
AGE = (("lt20", 4), ("20_29", 25), ("30_39", 30), ("40_49", 21), ("50_59", 13), ("60plus", 7))
SEX = (("l", 48), ("p", 52))
EDUCATION = (("sd", 6), ("smp", 12), ("sma", 45), ("d3", 10), ("s1", 24), ("s2", 3))
OCCUPATION = (("pns", 10), ("swasta", 34), ("wirausaha", 25), ("pelajar", 8), ("lainnya", 23))
# (workflow, final state) that invite, and where each object keeps the invitation's fields.
SOURCES = {
    ("cases", "application"): {
        "states": (
            ("application", "issued"), ("application", "rejected"),
            ("application_without_approval", "issued"),
            ("application_without_approval", "rejected"),
        ),
        "table": "cases_application", "citizen": "o.applicant_id", "region": "m.region_id",
        "service": "o.service_id", "officer": "o.assigned_to_id",
    },
    ("queueing", "ticket"): {
        "states": (("queue_ticket", "served"),),
        "table": "queueing_ticket", "citizen": "o.citizen_id", "region": "m.region_id",
        "service": "o.service_id", "officer": "o.officer_id",
    },
    ("complaints", "complaint"): {
        "states": (("complaint", "closed"),),
        "table": "complaints_complaint", "citizen": "o.reporter_id", "region": "o.region_id",
        "service": "o.service_id", "officer": "NULL::bigint",
    },
}  # fmt: skip


def _mean_of(shift: float) -> float:
    """The mean answer when the latent level is ``shift`` (normal, rounded, clamped to 1–4)."""
    cdf = [
        0.5 * (1 + math.erf((edge - shift) / (SIGMA * math.sqrt(2)))) for edge in (1.5, 2.5, 3.5)
    ]
    probabilities = [cdf[0], cdf[1] - cdf[0], cdf[2] - cdf[1], 1 - cdf[2]]
    return sum((v + 1) * p for v, p in enumerate(probabilities))


def _answer_tables(step: float = 0.02) -> list[list[float]]:
    """Per latent mean (1.00, 1.02 … 4.00): the cumulative probabilities of the answers 1, 2, 3."""
    tables = []
    for index in range(int(3 / step) + 1):
        target = min(3.97, max(1.03, 1 + index * step))
        low, high = -3.0, 8.0
        for _ in range(60):
            middle = (low + high) / 2
            low, high = (middle, high) if _mean_of(middle) < target else (low, middle)
        shift = (low + high) / 2
        tables.append(
            [0.5 * (1 + math.erf((e - shift) / (SIGMA * math.sqrt(2)))) for e in (1.5, 2.5, 3.5)]
        )
    return tables


def _pick(choices, rng) -> str:
    total = sum(weight for _value, weight in choices)
    roll = rng.random() * total
    for value, weight in choices:
        roll -= weight
        if roll < 0:
            return value
    return choices[-1][0]


def _offset(seed: int, *key) -> tuple[float, float]:
    """A normal and a uniform draw of one unit (its level): the same whatever order units come in."""
    digest = hashlib.blake2b(repr((seed, *key)).encode(), digest_size=8).digest()
    u = int.from_bytes(digest[:4], "big") / 2**32
    v = int.from_bytes(digest[4:], "big") / 2**32
    normal = math.sqrt(-2 * math.log(u or 1e-12)) * math.cos(2 * math.pi * v)
    return normal, v


def generate(ctx: Context) -> None:
    from django.contrib.contenttypes.models import ContentType

    from mpp.accounts.tokens import hash_token
    from mpp.devices.models import Device
    from mpp.surveys import services as survey_services
    from mpp.surveys.elements import OFFICER_ELEMENT
    from mpp.surveys.models import (
        POPULATION,
        RESPONDENTS,
        Answer,
        DaySum,
        Invitation,
        KioskDevice,
        OfficerDaySum,
        Questionnaire,
        Response,
    )
    from mpp.surveys.units import officer_units_of, units_of

    rng = ctx.rng("surveys")
    cursor = ctx.cursor
    mpps = ctx.facts["mpps"]
    mpp_weights = ctx.facts["mpp_weights"]
    by_mpp = ctx.facts["services"]
    anchor = ctx.anchor
    start = anchor - datetime.timedelta(days=DAYS)
    offsets: dict[str, datetime.timedelta] = {}

    def offset_of(region: str | None) -> datetime.timedelta:
        if region not in offsets:
            zone = zones.get(region, "Asia/Jakarta")
            offsets[region] = ZoneInfo(zone).utcoffset(anchor.replace(tzinfo=None))
        return offsets[region]

    cursor.execute("SELECT code, timezone FROM regions_region")
    zones = dict(cursor.fetchall())

    # The questionnaire that applies to each service (``services.questionnaire_for``), read once.
    national = survey_services.ensure_national_default()
    own = {
        q.unit_key: q.current_version
        for q in Questionnaire.objects.filter(current_version__isnull=False).select_related(
            "current_version"
        )
    }
    version_cache: dict[tuple, tuple] = {}

    def version_for(service_id, mpp_id, agency_id) -> tuple:
        key = (service_id, mpp_id, agency_id)
        if key not in version_cache:
            version = (
                own.get(f"service:{service_id}")
                or own.get(f"presence:{agency_id}@{mpp_id}")
                or own.get(f"mpp:{mpp_id}")
                or national.current_version
            )
            version_cache[key] = (
                version.pk,
                version.codes(),
                version.ask_suggestion,
                version.ask_profile,
            )
        return version_cache[key]

    # Kiosks: the MPPs without one get a tablet (its default service: the MPP's first): a device
    # of kind ``skm_kiosk`` (``mpp.devices``) and the kiosk's own row referring to it.
    kiosks = dict(
        KioskDevice.objects.filter(device__revoked_at__isnull=True)
        .order_by("id")
        .values_list("device__mpp_id", "pk")
    )
    kiosk_id = ctx.next_id("surveys_kioskdevice")
    device_id = ctx.next_id("devices_device")
    new_devices, new_kiosks = [], []
    for mpp in mpps:
        if mpp.pk not in kiosks:
            kiosks[mpp.pk] = kiosk_id
            new_devices.append(
                (device_id, mpp.pk, "skm_kiosk", "Tablet kios SKM lantai 1",
                 hash_token(f"skmk_bench-{mpp.pk}"), None, start - datetime.timedelta(days=30),
                 None, None, as_json([]))
            )  # fmt: skip
            new_kiosks.append((kiosk_id, device_id, by_mpp[mpp.pk][0].pk, 0, 0))
            kiosk_id += 1
            device_id += 1
    ctx.copy(
        Device,
        ["id", "mpp_id", "kind", "name", "token_hash", "created_by_id", "created_at",
         "rotated_at", "revoked_at", "networks"],
        new_devices,
        total=len(new_devices),
        label="SKM kiosk devices",
    )  # fmt: skip
    ctx.copy(
        KioskDevice,
        ["id", "device_id", "service_id", "refused_too_soon", "refused_network"],
        new_kiosks,
        total=len(new_kiosks),
        label="SKM kiosks",
    )  # fmt: skip
    service_weights = {
        pk: cumulate(CATEGORY_WEIGHT.get(s.category, 1.0) for s in services)
        for pk, services in by_mpp.items()
    }

    # The finished transactions without an invitation, oldest first (the invitations' order); with
    # ``--others-as`` only those of the last ``ctx.invitation_days`` days.
    since = anchor - datetime.timedelta(days=ctx.invitation_days)
    parts, params = [], []
    for (app_label, model), source in SOURCES.items():
        try:
            content_type = ContentType.objects.get(app_label=app_label, model=model)
        except ContentType.DoesNotExist:
            continue
        states = " OR ".join("(t.workflow = %s AND t.to_state = %s)" for _s in source["states"])
        parts.append(
            f"SELECT t.at, t.id, t.content_type_id, t.object_id, t.workflow, t.to_state, "  # noqa: S608
            f"{source['citizen']} AS citizen, {source['region']} AS region, o.mpp_id, "
            f"o.agency_id, {source['service']} AS service, {source['officer']} AS officer "
            f"FROM workflows_transitionrecord t "
            f"JOIN {source['table']} o ON o.id = t.object_id::bigint "
            f"LEFT JOIN catalog_mpp m ON m.id = o.mpp_id "
            f"WHERE t.content_type_id = %s AND ({states}) AND t.at >= %s AND NOT EXISTS ("
            f"SELECT 1 FROM surveys_invitation i WHERE i.content_type_id = t.content_type_id "
            f"AND i.object_id = t.object_id)"
        )
        params += [content_type.pk, *(v for pair in source["states"] for v in pair), since]
    finished_sql = " UNION ALL ".join(parts)
    # How many will be invited (for the answer rate): the finishing transitions, counted without
    # the joins (the few that already have an invitation, the demo's, do not matter here).
    pairs = [pair for source in SOURCES.values() for pair in source["states"]]
    where = " OR ".join("(t.workflow = %s AND t.to_state = %s)" for _p in pairs)
    cursor.execute(
        f"SELECT count(*) FROM workflows_transitionrecord t WHERE ({where}) AND t.at >= %s",  # noqa: S608
        [*(v for pair in pairs for v in pair), since],
    )
    finished = cursor.fetchone()[0]
    wanted = int(ctx.process_volume * RESPONSES_PER_APPLICATION)
    invited_wanted = round(wanted * INVITED_SHARE)
    answer_rate = min(0.6, invited_wanted / finished) if finished else 0.0
    kiosk_wanted = wanted - invited_wanted
    cursor.execute(
        f"DECLARE bench_finished NO SCROLL CURSOR FOR {finished_sql} ORDER BY 1, 2",
        params,
    )

    # What is already there (the demo's responses): kept and merged into the rows written here.
    existing: dict[datetime.date, dict[tuple[str, str], list[int]]] = defaultdict(dict)
    existing_officers: dict[datetime.date, dict[tuple[str, int], list[int]]] = defaultdict(dict)
    for day, unit, element, total, count in DaySum.objects.exclude(element=POPULATION).values_list(
        "day", "unit", "element", "total", "count"
    ):
        existing[day][(unit, element)] = [total, count]
    DaySum.objects.all().delete()
    for day, unit, officer, total, count in OfficerDaySum.objects.values_list(
        "day", "unit", "officer_id", "total", "count"
    ):
        existing_officers[day][(unit, officer)] = [total, count]
    OfficerDaySum.objects.all().delete()

    tables = _answer_tables()
    seed = ctx.seed
    levels: dict[tuple, float] = {}

    def level(mpp_id, agency_id) -> float:
        key = (mpp_id, agency_id)
        if key not in levels:
            normal, _u = _offset(seed, "mpp", mpp_id)
            value = 0.08 * normal
            if agency_id is not None:
                normal, u = _offset(seed, "presence", agency_id, mpp_id)
                value += 0.10 * normal + (TROUBLED if u < TROUBLED_SHARE else 0.0)
            levels[key] = value
        return levels[key]

    officer_levels: dict[int, float] = {}

    def officer_level(officer_id) -> float:
        if officer_id not in officer_levels:
            officer_levels[officer_id] = 0.15 * _offset(seed, "officer", officer_id)[0]
        return officer_levels[officer_id]

    # Day loop: each step reads the transactions finished before the next day, decides which are
    # answered (and when), adds the kiosk responses of the day, and writes every response answered
    # before the next day's first kiosk hour, in time order (ids grow with time).
    invitation_id = ctx.next_id("surveys_invitation")
    response_id = ctx.next_id("surveys_response")
    pending: list[tuple] = []  # heap of (answered_at, order, payload)
    order = 0
    exhausted = False
    last_read = start - datetime.timedelta(days=3650)
    invitation_rows: list[tuple] = []
    response_rows: list[tuple] = []
    answer_lines: list[str] = []
    sums: dict[datetime.date, dict[tuple, dict[str, list[int]]]] = defaultdict(dict)
    daysum_lines: list[str] = []
    # U7 per day × (place, officer) of the responses naming an officer; written as officer_lines.
    officer_sums: dict[datetime.date, dict[tuple, list[int]]] = defaultdict(dict)
    officer_lines: list[str] = []
    unit_cache: dict[tuple, list[str]] = {}
    officer_unit_cache: dict[tuple, list[str]] = {}
    counts = defaultdict(int)
    start_day = start.date()
    day_weights = [
        5.0 if (start_day + datetime.timedelta(days=d)).weekday() < 5 else 1.0 for d in range(DAYS)
    ]
    per_weight = kiosk_wanted / sum(day_weights)
    carry = 0.0
    made = 0
    bar = ctx.progress.add_task("SKM responses (+ invitations, sums)", total=wanted)
    responded = 0

    def read_until(moment) -> None:
        nonlocal exhausted, last_read, invitation_id, order
        while not exhausted and last_read < moment:
            cursor.execute("FETCH 20000 FROM bench_finished")
            rows = cursor.fetchall()
            if not rows:
                exhausted = True
                break
            for (
                at,
                _record,
                ct,
                object_id,
                workflow,
                state,
                citizen,
                region,
                mpp,
                agency,
                service,
                officer,
            ) in rows:
                last_read = at
                day = (at + offset_of(region)).date()
                expires = at + ANSWERABLE
                used = None
                rate = answer_rate * (0.7 if state == "rejected" else 1.0)
                if rng.random() < rate:
                    roll = rng.random()
                    if roll < 0.5:
                        delay = datetime.timedelta(minutes=rng.randint(2, 180))
                    elif roll < 0.8:
                        delay = datetime.timedelta(hours=rng.uniform(3, 48))
                    else:
                        delay = datetime.timedelta(days=rng.uniform(2, 29.5))
                    answered = at + delay
                    local_hour = (answered + offset_of(region)).hour
                    if local_hour < 6:  # asleep: answered in the morning
                        answered += datetime.timedelta(hours=7)
                    if answered < anchor and answered < expires:
                        used = answered
                        channel = "app" if rng.random() < APP_SHARE else "invitation"
                        mood = REJECTED if state == "rejected" else 0.0
                        payload = (channel, invitation_id, ct, object_id, None, region, mpp,
                                   agency, service, officer, mood)  # fmt: skip
                        heapq.heappush(pending, (answered, order, payload))
                        order += 1
                invitation_rows.append(
                    (invitation_id, ct, object_id, workflow, citizen, region, mpp, agency,
                     service, officer, at, day, expires,
                     hashlib.sha256(f"bench-skm-{invitation_id}".encode()).hexdigest(), used)
                )  # fmt: skip
                invitation_id += 1

    def kiosk_day(d: int) -> None:
        nonlocal carry, made, order
        carry += day_weights[d] * per_weight
        today = int(carry) if d < DAYS - 1 else kiosk_wanted - made
        carry -= today
        made += today
        day = start_day + datetime.timedelta(days=d)
        midnight = datetime.datetime(day.year, day.month, day.day, tzinfo=datetime.UTC)
        for _ in range(today):
            mpp = mpps[weighted_index(mpp_weights, rng)]
            service = by_mpp[mpp.pk][weighted_index(service_weights[mpp.pk], rng)]
            region = mpp.region_id
            # Office hours, local time: 08:00–15:30, busier in the morning.
            local = datetime.timedelta(hours=8) + datetime.timedelta(
                seconds=int(7.5 * 3600 * rng.random() ** 1.3)
            )
            answered = midnight + local - offset_of(region)
            payload = ("kiosk", None, None, "", kiosks[mpp.pk], region, mpp.pk,
                       service.agency_id, service.pk, None, KIOSK_BONUS)  # fmt: skip
            heapq.heappush(pending, (answered, order, payload))
            order += 1

    def emit(until) -> None:
        nonlocal response_id, responded
        while pending and pending[0][0] < until:
            answered, _order, payload = heapq.heappop(pending)
            (channel, invitation, ct, object_id, kiosk, region, mpp, agency, service, officer,
             mood) = payload  # fmt: skip
            day = (answered + offset_of(region)).date()
            version, codes, ask_suggestion, ask_profile = version_for(service, mpp, agency)
            progress = (answered - start).total_seconds() / (DAYS * 86400)
            latent = BASE + level(mpp, agency) + mood + 0.10 * (progress - 0.5)
            latent += rng.gauss(0, 0.30)  # the respondent's mood, shared by their answers
            place = (region, mpp, agency, service)
            entry = sums[day].get(place)
            if entry is None:
                entry = sums[day][place] = {RESPONDENTS: [0, 0]}
            entry[RESPONDENTS][0] += 1
            entry[RESPONDENTS][1] += 1
            total = 0
            for code in codes:
                mu = latent + ELEMENT_OFFSET.get(code, 0.0)
                if code == "U7" and officer is not None:
                    mu += officer_level(officer)
                cdf = tables[min(150, max(0, int((mu - 1) * 50 + 0.5)))]
                value = bisect.bisect(cdf, rng.random()) + 1
                total += value
                answer_lines.append(f"{response_id}\t{code}\t{value}\n")
                bucket = entry.get(code)
                if bucket is None:
                    bucket = entry[code] = [0, 0]
                bucket[0] += value
                bucket[1] += 1
                if code == OFFICER_ELEMENT and officer is not None:
                    kept = officer_sums[day].setdefault((place, officer), [0, 0])
                    kept[0] += value
                    kept[1] += 1
            suggestion = ""
            if ask_suggestion and rng.random() < 0.08:
                low = total < 3.0 * len(codes)
                suggestion = rng.choice(SUGGESTIONS_LOW if low else SUGGESTIONS_HIGH)
            profile = ("", "", "", "")
            if ask_profile and rng.random() < (0.7 if channel == "kiosk" else 0.85):
                profile = (_pick(AGE, rng), _pick(SEX, rng), _pick(EDUCATION, rng),
                           _pick(OCCUPATION, rng))  # fmt: skip
            response_rows.append(
                (response_id, version, channel, invitation, ct, object_id, kiosk, region, mpp,
                 agency, service, officer, answered, day, suggestion, *profile)
            )  # fmt: skip
            response_id += 1
            responded += 1

    def keys_of(place: tuple, cache: dict[tuple, list[str]], units) -> list[str]:
        """The unit keys of a place (``units`` is ``units_of`` or ``officer_units_of``), once."""
        keys = cache.get(place)
        if keys is None:
            region, mpp, agency, service = place
            keys = cache[place] = [
                u.key
                for u in units(region_id=region, mpp_id=mpp, agency_id=agency, service_id=service)
            ]
        return keys

    def flush_sums(through: datetime.date | None) -> None:
        for day in sorted(d for d in set(sums) | set(existing) if through is None or d <= through):
            out: dict[tuple[str, str], list[int]] = existing.pop(day, {})
            for place, elements in sums.pop(day, {}).items():
                for unit in keys_of(place, unit_cache, units_of):
                    for element, (total, count) in elements.items():
                        kept = out.get((unit, element))
                        if kept is None:
                            out[(unit, element)] = [total, count]
                        else:
                            kept[0] += total
                            kept[1] += count
            for (unit, element), (total, count) in out.items():
                daysum_lines.append(f"{day}\t{unit}\t{element}\t{total}\t{count}\n")
        for day in sorted(
            d for d in set(officer_sums) | set(existing_officers) if through is None or d <= through
        ):
            by_officer: dict[tuple[str, int], list[int]] = existing_officers.pop(day, {})
            for (place, officer), (total, count) in officer_sums.pop(day, {}).items():
                for unit in keys_of(place, officer_unit_cache, officer_units_of):
                    kept = by_officer.setdefault((unit, officer), [0, 0])
                    kept[0] += total
                    kept[1] += count
            for (unit, officer), (total, count) in by_officer.items():
                officer_lines.append(f"{day}\t{unit}\t{officer}\t{total}\t{count}\n")

    def write(final: bool = False) -> None:
        if not final and len(response_rows) < 20_000 and len(invitation_rows) < 50_000:
            return
        for model, columns, rows in (
            (Invitation, INVITATION_COLUMNS, invitation_rows),
            (Response, RESPONSE_COLUMNS, response_rows),
        ):
            if rows:
                _copy_rows(cursor, model, columns, rows)
                counts[model._meta.db_table] += len(rows)
                rows.clear()
        for model, columns, lines in (
            (Answer, ["response_id", "element", "value"], answer_lines),
            (DaySum, ["day", "unit", "element", "total", "count"], daysum_lines),
            (OfficerDaySum, ["day", "unit", "officer_id", "total", "count"], officer_lines),
        ):
            if lines:
                _copy_text(cursor, model, columns, lines)
                counts[model._meta.db_table] += len(lines)
                lines.clear()
        ctx.progress.update(bar, completed=responded)

    one_day = datetime.timedelta(days=1)
    for d in range(DAYS):
        next_midnight = start + one_day * (d + 1)
        read_until(next_midnight)
        kiosk_day(d)
        # The next local day's first kiosk answer comes at 08:00 WIT = 23:00 UTC: stop before.
        emit(next_midnight - datetime.timedelta(hours=2))
        flush_sums(start_day + datetime.timedelta(days=d - 1))
        write()
    read_until(anchor + one_day * 3650)
    emit(anchor + one_day * 3650)
    flush_sums(None)
    write(final=True)
    cursor.execute("CLOSE bench_finished")
    ctx.progress.update(bar, completed=responded, total=responded)

    # The population (finished transactions) per unit and local day, as recompute_skm_sums
    # counts it: the transition history above the service, the invitations for a service.
    from mpp.surveys.apps import INVITING_STATES

    states = " OR ".join("(t.workflow = %s AND t.to_state = %s)" for _s in INVITING_STATES)
    cursor.execute(
        f"""
        INSERT INTO surveys_daysum (day, unit, element, total, count)
        WITH finished AS (
            SELECT (t.at AT TIME ZONE r.timezone)::date AS day, t.region_id, t.mpp_id,
                   t.agency_id, count(*) AS n
            FROM workflows_transitionrecord t JOIN regions_region r ON r.code = t.region_id
            WHERE ({states}) AND EXISTS (SELECT 1 FROM catalog_mpp m WHERE m.region_id = r.code)
            GROUP BY 1, 2, 3, 4
        )
        SELECT day, unit, %s, sum(n), sum(n)
        FROM finished CROSS JOIN LATERAL (VALUES
            ('national:'), ('region:' || region_id), ('mpp:' || mpp_id),
            ('agency:' || agency_id), ('presence:' || agency_id || '@' || mpp_id)
        ) AS u(unit)
        WHERE unit IS NOT NULL
        GROUP BY day, unit
        UNION ALL
        SELECT day, 'service:' || service_id, %s, count(*), count(*)
        FROM surveys_invitation WHERE service_id IS NOT NULL
        GROUP BY day, service_id
        """,  # noqa: S608
        [*(v for pair in INVITING_STATES for v in pair), POPULATION, POPULATION],
    )
    counts[DaySum._meta.db_table] += cursor.rowcount
    for table, written in counts.items():
        ctx.counts[table] = ctx.counts.get(table, 0) + written


INVITATION_COLUMNS = [
    "id", "content_type_id", "object_id", "workflow", "citizen_id", "region_id", "mpp_id",
    "agency_id", "service_id", "officer_id", "finished_at", "day", "expires_at", "token_hash",
    "used_at",
]  # fmt: skip
RESPONSE_COLUMNS = [
    "id", "version_id", "channel", "invitation_id", "content_type_id", "object_id", "kiosk_id",
    "region_id", "mpp_id", "agency_id", "service_id", "officer_id", "answered_at", "day",
    "suggestion", "age_band", "sex", "education", "occupation",
]  # fmt: skip


def _columns(model, columns) -> str:
    from bench.data.base import _field_name

    return ", ".join(f'"{model._meta.get_field(_field_name(c)).column}"' for c in columns)


def _copy_rows(cursor, model, columns, rows) -> None:
    from bench.data.base import check_columns

    check_columns(model, columns)
    with cursor.copy(
        f"COPY {model._meta.db_table} ({_columns(model, columns)}) FROM STDIN"
    ) as copy:
        for row in rows:
            copy.write_row(row)


def _copy_text(cursor, model, columns, lines) -> None:
    """COPY rows already written as text lines (tab-separated; the big tables: faster)."""
    from bench.data.base import check_columns

    check_columns(model, columns)
    with cursor.copy(
        f"COPY {model._meta.db_table} ({_columns(model, columns)}) FROM STDIN"
    ) as copy:
        copy.write("".join(lines))
