"""Complaints and consultations over two years, each lived through the product's lifecycle rules.

How many: one complaint per 100 applications (``ctx.applications // 100``; 500 at the small
scale, 100,000 at the national), at least 200 so that the tiny set fills a page of every list.
Assumption: SP4N-LAPOR! receives on the order of a few hundred thousand reports a year for the
whole government, against tens of millions of service applications; an MPP's own channel gets a
percent of its applications as complaints, questions and suggestions.

Each complaint is submitted on a day of the 730 before the anchor (ids grow with time; working
days carry 2.5 times a weekend day), at an MPP drawn by the MPP's Zipf weight, and then *lived*
until the anchor with the product's rules (``complaints.services``, ``deadlines``, the working-day
calendar of its kab/kota, ``TimeLimits``): the desk verifies within 3 working days (one in ten
late), postpones for more information (7 %; the reporter supplies it or the file is archived),
refers (4 %) or archives (4 %); the agency answers within 5 working days (information requests
10, some extended by 7; 15 % late); the reporter closes, reopens (8 %) or lets the 10-day reply
window end (the sweep's ``auto_close``); a third rate the answer. Every action is a
``TransitionRecord`` as ``mpp.workflows.services.apply_action`` writes it (actor, actor kind,
version, region/MPP/agency, the data ``take_action`` records); every clock that passed while the
desk or the agency held the complaint is flagged and escalated by the 5-minute sweep (level 1 at
the deadline, level 2 two working days later) with its ``Escalation`` row. Old complaints are
therefore closed, referred or archived, recent ones open with their current deadlines.

Mix (assumptions): channels web 55 % (70 % signed in, else a guest with a confirmed one-time
code: a ``GuestConfirmation`` row), mobile app (``api``) 30 %, Open311 15 % (a partner app: the
category decides kind and title, anonymous without a name). The product has no "counter" or
"LAPOR" channel: a complaint reaches SP4N-LAPOR! through the outbox of a connected kab/kota, and
the 21 first-phase loci (Kota Batam among them) are connected here (``LaporRegion``; each of their
complaints has its ``lapor_key`` and one ``LaporOutbox`` row). Kinds: complaint 50 %,
consultation 20 %, information request 18 %, suggestion 12 %, with the demo's six national
categories and "about" the MPP, an agency, a service or the reporter's own application (then the
application's MPP, agency and service, as ``find_own_application`` answers). One in ten is
confidential; 15 % of the web and app complaints and every Open311 request without a name are
anonymous. The thread ``Message`` rows are those ``take_action`` writes (the desk's request, the
reporter's supplement and reopening, the agency's answers; a third of consultation answers marked
useful, so service pages show FAQ), plus an internal ``Note`` for one verified complaint in ten. Every MPP gets a
complaint-desk account ``pengaduan.<mpp id>`` (Kota Batam keeps the demo's ``pengaduan.batam``)
with the demo staff password and TOTP secret; the agencies' officers answer. One national Open311
``IntegrationClient`` stands for the partner apps of the other kab/kota. The demo citizen gets
about five complaints at Kota Batam. Not generated: attachments (no files are written),
notifications, the survey invitations of closed complaints, audit rows of staff reads.
"""

from __future__ import annotations

import bisect
import datetime
import uuid

from bench.data.base import Context, as_json, cumulate, token, weighted_index

DAYS = 730
SWEEP_SECONDS = 300  # MPP_SWEEP_DEADLINES_SECONDS: the sweep flags, escalates and auto-closes
BATCH = 5000
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # services.next_tracking_number
CHANNELS = [("web", 55), ("api", 30), ("open311", 15)]
KINDS = [("pengaduan", 50), ("konsultasi", 20), ("informasi", 18), ("aspirasi", 12)]
OPEN311_CATEGORIES = [
    ("layanan-lambat", 30), ("pungutan-liar", 8), ("sikap-petugas", 15), ("sarana-rusak", 20),
    ("informasi-layanan", 17), ("aspirasi", 10),
]  # fmt: skip
COMPLAINT_CATEGORIES = [
    ("layanan-lambat", 40),
    ("pungutan-liar", 10),
    ("sikap-petugas", 25),
    ("sarana-rusak", 25),
]
# "About" per kind: (about, weight); "application" falls back to "service" for guests.
ABOUT = {
    "pengaduan": [("agency", 35), ("service", 35), ("application", 20), ("mpp", 10)],
    "konsultasi": [("service", 80), ("agency", 20)],
    "informasi": [("service", 60), ("agency", 25), ("mpp", 15)],
    "aspirasi": [("mpp", 60), ("agency", 25), ("service", 15)],
}
POPULATION_WEIGHT = 5.0  # as in cases: population services five times as often

TEXTS = {
    "layanan-lambat": [
        ("Antrean di loket {agency} terlalu lama",
         "Saya menunggu lebih dari tiga jam di loket {agency} dan nomor antrean hampir tidak "
         "bergerak. Mohon ditambah petugas pada jam sibuk."),
        ("Permohonan belum selesai melewati standar waktu",
         "Permohonan saya di {agency} belum selesai padahal standar pelayanan menyebut lima hari "
         "kerja. Belum ada kabar apa pun."),
        ("Sistem antrean sering mati",
         "Mesin antrean di {mpp} sering mati sehingga petugas memanggil secara manual dan "
         "urutan menjadi kacau."),
    ],
    "pungutan-liar": [
        ("Diminta biaya tambahan di loket",
         "Seseorang di sekitar loket {agency} menawarkan jasa agar berkas diproses lebih cepat "
         "dengan biaya Rp150.000, padahal layanan ini gratis."),
        ("Biaya fotokopi wajib di dalam MPP",
         "Pemohon diwajibkan memfotokopi berkas di tempat tertentu dengan harga jauh di atas "
         "wajar sebelum dilayani {agency}."),
    ],
    "sikap-petugas": [
        ("Petugas kurang ramah",
         "Petugas di loket {agency} berbicara dengan nada tinggi ketika saya menanyakan "
         "persyaratan yang kurang jelas."),
        ("Petugas meninggalkan loket saat jam layanan",
         "Loket {agency} kosong hampir satu jam pada jam layanan tanpa pemberitahuan."),
    ],
    "sarana-rusak": [
        ("Pendingin ruangan tidak berfungsi",
         "Pendingin ruangan di ruang tunggu {mpp} mati sejak pagi; ruang tunggu sangat panas."),
        ("Toilet rusak dan kotor",
         "Toilet di lantai dua {mpp} rusak, air tidak mengalir, dan belum diperbaiki."),
        ("Jalur kursi roda terhalang",
         "Jalur landai untuk kursi roda di pintu masuk {mpp} terhalang pot bunga dan motor."),
    ],
    "informasi-layanan": [
        ("Persyaratan {service}",
         "Apa saja persyaratan untuk {service}? Apakah bisa diajukan daring tanpa datang ke MPP?"),
        ("Lama proses {service}",
         "Berapa lama proses {service} dan apakah ada biayanya?"),
    ],
    "aspirasi": [
        ("Usul layanan malam sekali seminggu",
         "Mohon {mpp} membuka layanan sampai malam sekali seminggu untuk warga yang bekerja."),
        ("Tambah kursi di ruang tunggu",
         "Kursi di ruang tunggu {mpp} kurang pada pagi hari; banyak lansia berdiri."),
        ("Terima kasih atas pelayanan",
         "Pelayanan di {agency} cepat dan petugasnya membantu. Semoga dipertahankan."),
    ],
    "konsultasi": [
        ("Pertanyaan tentang {service}",
         "Apakah {service} dapat diajukan oleh anggota keluarga jika pemohon sedang di luar kota?"),
        ("Berkas {service} hilang",
         "Berkas asli saya hilang. Bagaimana cara mengajukan {service} tanpa berkas tersebut?"),
    ],
}  # fmt: skip
ANSWERS = {
    "pengaduan": [
        "Terima kasih atas laporan Anda. Kami telah menambah petugas pada jam sibuk dan memperbaiki "
        "pengaturan antrean. Mohon maaf atas ketidaknyamanan yang Anda alami.",
        "Laporan Anda telah kami tindak lanjuti; petugas yang bersangkutan telah dibina dan "
        "pengawasan di loket ditingkatkan.",
        "Permohonan Anda telah kami proses dan dapat diambil di loket. Mohon maaf atas "
        "keterlambatannya.",
    ],
    "konsultasi": [
        "Dapat, dengan surat kuasa bermeterai dan fotokopi KTP-el pemohon serta penerima kuasa.",
        "Silakan membawa surat keterangan kehilangan dari kepolisian; berkas lain tetap sama "
        "seperti pada standar pelayanan.",
    ],
    "informasi": [
        "Persyaratannya tercantum pada standar pelayanan di halaman layanan; pengajuan dapat "
        "dilakukan daring melalui MPP Digital dan tidak dipungut biaya.",
        "Prosesnya paling lama sesuai standar pelayanan, dihitung sejak berkas lengkap.",
    ],
    "aspirasi": [
        "Terima kasih atas sarannya; usulan ini kami sampaikan kepada pengelola MPP untuk "
        "dipertimbangkan pada rapat evaluasi bulan ini.",
    ],
}
NOTES = {
    "postpone": "Mohon lengkapi keterangan: tanggal kejadian dan nomor antrean atau permohonan Anda.",
    "supplement": "Kejadiannya pada hari Senin pagi; nomor antrean saya A-045.",
    "refer": [
        "Ombudsman RI Perwakilan setempat",
        "Dinas Perhubungan kabupaten/kota",
        "Kantor Wilayah Kementerian Hukum",
    ],
    "archive": "Pengaduan tidak dapat ditindaklanjuti: keterangan tidak dilengkapi pelapor.",
    "archive_unclear": "Pengaduan tidak dapat ditindaklanjuti: isi tidak jelas dan bukan tentang layanan.",
    "reassign": "Pengaduan ini menjadi wewenang instansi lain di MPP.",
    "extend": "Informasi yang diminta perlu dihimpun dari beberapa bidang; jangka waktu diperpanjang.",
    "reopen": "Masalahnya belum selesai; sampai hari ini belum ada perubahan.",
    "internal": "Sudah dikonfirmasi ke koordinator instansi melalui telepon.",
}  # fmt: skip
RATING_COMMENTS = ["", "", "Terima kasih, cepat ditanggapi.", "Jawabannya kurang jelas.", ""]
FIRST = ["Budi", "Siti", "Agus", "Dewi", "Rina", "Andi", "Putri", "Eko", "Sri", "Joko", "Nur"]
LAST = ["Santoso", "Rahmawati", "Wijaya", "Pratama", "Lestari", "Hidayat", "Saputra", "Siregar"]


def complaints_for(applications: int) -> int:
    return max(200, applications // 100)


def _pick(options, rng):
    total = sum(w for _o, w in options)
    r = rng.random() * total
    for option, weight in options:
        r -= weight
        if r < 0:
            return option
    return options[-1][0]


class Clock:
    """One kab/kota's working-day calendar, loaded once: the product's deadline rules."""

    def __init__(self, region, start: datetime.date, end: datetime.date) -> None:
        from mpp.regions import calendar

        self.region = region
        self.calendar = calendar.RegionCalendar.for_range(region, start, end)
        self.zone = calendar.region_zone(region)
        self.end_of_day = calendar.END_OF_DAY

    def local(self, moment: datetime.datetime) -> datetime.date:
        return moment.astimezone(self.zone).date()

    def due(self, at: datetime.datetime, working_days: int) -> datetime.datetime:
        """``calendar.due_at``: the end of the N-th working day after the local date of ``at``."""
        day = self.calendar.add_working_days(self.local(at), working_days)
        return datetime.datetime.combine(day, self.end_of_day, tzinfo=self.zone)

    def due_calendar_days(self, at: datetime.datetime, days: int) -> datetime.datetime:
        day = self.local(at) + datetime.timedelta(days=days)
        return datetime.datetime.combine(day, self.end_of_day, tzinfo=self.zone)

    def remaining(self, due: datetime.datetime, at: datetime.datetime) -> int:
        """``calendar.remaining_working_days``."""
        if at > due:
            return 0
        return max(0, self.calendar.working_days_between(self.local(at), self.local(due)))

    def office_moment(self, after: datetime.datetime, working_days: int, rng) -> datetime.datetime:
        """A moment during office hours ``working_days`` working days after ``after`` (0: later
        the same day)."""
        if working_days <= 0:
            return after + datetime.timedelta(minutes=rng.randint(15, 240))
        day = self.calendar.add_working_days(self.local(after), working_days)
        moment = datetime.datetime.combine(
            day, datetime.time(8), tzinfo=self.zone
        ) + datetime.timedelta(seconds=rng.randint(0, 8 * 3600))
        return max(moment, after + datetime.timedelta(minutes=5))


class Life:
    """One complaint's row and what its lifecycle wrote, as the product's services write them."""

    def __init__(self, pk: int, clock: Clock, limits, anchor: datetime.datetime, rng) -> None:
        self.pk, self.clock, self.limits, self.anchor, self.rng = pk, clock, limits, anchor, rng
        self.status, self.version = "new", 0
        self.due_at = self.breached_at = self.paused_at = self.stopped_at = None
        self.clock_unit = ""
        self.remaining_days = None
        self.forwarded_at = self.answered_at = self.closed_at = self.reply_until = None
        self.extended, self.referred_to, self.escalation_level = False, "", 0
        self.answered_on_time = self.rating = None
        self.rating_comment = ""
        self.updated_at = None
        self.agency_id = None
        self.transitions: list[tuple] = []
        self.messages: list[tuple] = []
        self.notes: list[tuple] = []
        self.escalations: list[tuple] = []

    # -- the clock (mpp.deadlines.services) --
    def _start(self, at, working_days) -> None:
        self.due_at = self.clock.due(at, working_days)
        self.clock_unit = "working_days"
        self.breached_at = self.paused_at = self.stopped_at = None
        self.remaining_days = None

    def _stop(self, at) -> None:
        self.stopped_at, self.paused_at = at, None

    def respond_days(self, kind: str) -> int:
        if kind == "informasi":
            return self.limits.information_working_days
        return self.limits.respond_working_days

    # -- apply_action --
    def act(self, action, target, at, actor, actor_kind, *, note="", data=None, agency=None):
        self.version += 1
        self.transitions.append(
            (self.pk, "complaint", action, self.status, target, self.version, actor, actor_kind,
             note, at, as_json(data or {}), self.region_id, self.mpp_id,
             self.agency_id if agency is None else agency)
        )  # fmt: skip
        self.status = target
        if action != "escalate":
            self.updated_at = at

    def message(self, author_kind, author, text, at, *, response=False, useful=False) -> None:
        self.messages.append((self.pk, author_kind, author, text, response, useful, at))

    # -- the sweep (services.sweep_step) --
    def sweep_until(self, until: datetime.datetime) -> None:
        """What the 5-minute sweep did before ``until`` while the desk or the agency held the
        complaint past its deadline: flag it breached, escalate to level 1, then level 2."""
        if self.status not in ("submitted", "forwarded") or self.due_at is None:
            return
        first = self.due_at + datetime.timedelta(seconds=self.rng.uniform(1, SWEEP_SECONDS))
        if first >= until or first >= self.anchor:
            return
        if self.breached_at is None:
            self.breached_at = first
        if self.escalation_level == 0:
            self._escalate(1, first)
        second = self.clock.due(self.due_at, self.limits.escalate_again_working_days)
        second += datetime.timedelta(seconds=self.rng.uniform(1, SWEEP_SECONDS))
        if self.escalation_level == 1 and second < until and second < self.anchor:
            self._escalate(2, second)

    def _escalate(self, level: int, at) -> None:
        self.act("escalate", self.status, at, None, "system", data={"level": level})
        self.escalation_level = level
        self.escalations.append((self.pk, level, self.status, self.due_at, at))

    def reached(self, at: datetime.datetime) -> bool:
        """Whether the next action at ``at`` happened before the anchor; else the sweep's work
        until the anchor is done and the complaint stays where it is."""
        self.sweep_until(at)
        return at < self.anchor


def generate(ctx: Context) -> None:
    from django.contrib.contenttypes.models import ContentType

    from mpp.accounts.tokens import hash_token
    from mpp.catalog.models import Service
    from mpp.complaints.models import (
        Category,
        Complaint,
        ComplaintClock,
        Escalation,
        IntegrationClient,
        LaporOutbox,
        LaporRegion,
        Message,
        Note,
        TimeLimits,
    )
    from mpp.notifications.models import GuestConfirmation
    from mpp.tenancy.models import Agency
    from mpp.workflows.models import TransitionRecord

    rng = ctx.rng("complaints")
    mpps = ctx.facts["mpps"]
    mpp_weights = ctx.facts["mpp_weights"]
    blocks = ctx.facts["citizen_blocks"]
    officers = ctx.facts["officers"]
    demo_citizen = ctx.facts["demo_citizen"]
    services = ctx.facts["services"]
    n = complaints_for(ctx.process_volume)
    anchor = ctx.anchor
    start_day = (anchor - datetime.timedelta(days=DAYS)).date()
    joined = anchor - datetime.timedelta(days=760)

    desks = _desk_accounts(ctx, mpps, joined)
    categories = {c.code: c for c in Category.objects.filter(region__isnull=True)}
    limits_rows = {row.region_id: row for row in TimeLimits.objects.all()}
    national_limits = limits_rows.get(None) or TimeLimits()
    lapor_regions = _connect_lapor(ctx, mpps, joined, LaporRegion)
    _national_client(ctx, rng, joined, IntegrationClient)
    service_names = dict(
        Service.objects.filter(mpp__in=[m.pk for m in mpps]).values_list("id", "name")
    )
    unit_agencies = {s.agency_id for ss in services.values() for s in ss}
    agencies = {
        a["id"]: a for a in Agency.objects.filter(pk__in=unit_agencies).values("id", "name", "slug")
    }
    service_weights = {
        pk: cumulate(POPULATION_WEIGHT if s.category == "kependudukan" else 1.0 for s in ss)
        for pk, ss in services.items()
    }
    applications = _sampled_applications(ctx)
    # Where the desk forwards a complaint about the MPP as a whole: the MPP's DPMPTSP (it runs
    # the MPP), and the agencies with officers to answer.
    units_of: dict[int, tuple] = {
        pk: sorted({s.agency_id for s in ss if officers.get((s.agency_id, pk))})
        for pk, ss in services.items()
    }
    for pk, ids in units_of.items():
        dpmptsp = [a for a in ids if agencies[a]["slug"].startswith("dpmptsp")]
        units_of[pk] = (dpmptsp[0] if dpmptsp else ids[0], ids)
    clocks: dict[str, Clock] = {}
    clock_end = anchor.date() + datetime.timedelta(days=200)

    def clock_of(mpp) -> Clock:
        if mpp.region_id not in clocks:
            clocks[mpp.region_id] = Clock(
                mpp.region, start_day - datetime.timedelta(days=5), clock_end
            )
        return clocks[mpp.region_id]

    content_type = ContentType.objects.get_for_model(Complaint).pk
    ctx.cursor.execute("SELECT tracking_number FROM complaints_complaint")
    taken = {row[0] for row in ctx.cursor.fetchall()}
    batam_share = (mpp_weights[0]) / mpp_weights[-1]
    demo_share = 5 / max(1.0, n * batam_share * 0.6)
    first_id = ctx.next_id("complaints_complaint")
    # Working days carry 2.5 times a weekend day's complaints (online channels work at weekends).
    day_weights = [
        5.0 if (start_day + datetime.timedelta(days=d)).weekday() < 5 else 2.0 for d in range(DAYS)
    ]
    per_weight = n / sum(day_weights)

    def submissions():
        pk, made, carry = first_id, 0, 0.0
        for d in range(DAYS):
            carry += day_weights[d] * per_weight
            today = int(carry) if d < DAYS - 1 else n - made
            carry -= today
            day = start_day + datetime.timedelta(days=d)
            moments = []
            for _ in range(today):
                mpp = mpps[weighted_index(mpp_weights, rng)]
                clock = clock_of(mpp)
                local = datetime.datetime.combine(day, datetime.time(7), tzinfo=clock.zone)
                moment = local + datetime.timedelta(seconds=rng.randint(0, 15 * 3600))
                if moment >= anchor:
                    moment = anchor - datetime.timedelta(minutes=rng.randint(5, 600))
                moments.append((moment, mpp))
            moments.sort(key=lambda item: item[0])
            for moment, mpp in moments:
                yield pk, moment, mpp
                pk += 1
                made += 1

    def build(pk, submitted, mpp):
        clock = clock_of(mpp)
        limits = limits_rows.get(mpp.region_id) or national_limits
        life = Life(pk, clock, limits, anchor, rng)
        life.region_id, life.mpp_id = mpp.region_id, mpp.pk
        channel = _pick(CHANNELS, rng)
        reporter = None
        guest = None
        low, high = blocks[mpp.pk]
        name = email = phone = address = ""
        anonymous = False
        lat = lon = None
        service_id = None
        reference = ""
        category = None
        if channel == "open311":
            category = categories[_pick(OPEN311_CATEGORIES, rng)]
            kind, about = category.kind, "mpp"
            if rng.random() < 0.6:
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                email = f"warga{pk}@contoh.id" if rng.random() < 0.5 else ""
            anonymous = not name or rng.random() < 0.15
        else:
            if channel == "api" or rng.random() < 0.7:
                reporter = (
                    demo_citizen
                    if mpp.pk == mpps[0].pk and rng.random() < demo_share
                    else rng.randrange(low, high)
                )
            else:
                address_kind = rng.random() < 0.6
                guest = (
                    f"warga{pk}@contoh.id"
                    if address_kind
                    else f"0812{rng.randint(10**7, 10**8 - 1)}"
                )
                name = f"{rng.choice(FIRST)} {rng.choice(LAST)}" if rng.random() < 0.8 else ""
                email, phone = (guest, "") if address_kind else ("", guest)
            kind = _pick(KINDS, rng)
            about = _pick(ABOUT[kind], rng)
            if kind == "pengaduan":
                code = _pick(COMPLAINT_CATEGORIES, rng)
                if code == "sarana-rusak":
                    about = "mpp"
                category = (
                    categories[code] if rng.random() < 0.85 or code == "sarana-rusak" else None
                )
            elif kind == "informasi" and rng.random() < 0.8:
                category = categories["informasi-layanan"]
            elif kind == "aspirasi" and rng.random() < 0.8:
                category = categories["aspirasi"]
            anonymous = rng.random() < 0.15
        confidential = rng.random() < 0.1
        unit_service = services[mpp.pk][weighted_index(service_weights[mpp.pk], rng)]
        agency_id = None
        if about == "application":
            place = _application_for(applications.get(mpp.pk), submitted, rng) if reporter else None
            if place is None:
                about = "service"
            else:
                _app_id, reference, reporter, agency_id, service_id = place
        if about == "service":
            service_id, agency_id = unit_service.pk, unit_service.agency_id
        elif about == "agency":
            agency_id = unit_service.agency_id
        if category is not None and category.needs_location:
            if rng.random() < 0.5:
                address = f"Lantai {rng.randint(1, 3)}, {mpp.name}"
            else:
                lat = round(float(mpp.latitude or 0) + rng.uniform(-0.0005, 0.0005), 6)
                lon = round(float(mpp.longitude or 0) + rng.uniform(-0.0005, 0.0005), 6)
        life.agency_id = agency_id
        text_key = category.code if category is not None else kind
        if text_key not in TEXTS:
            text_key = "konsultasi" if kind == "konsultasi" else "layanan-lambat"
        title, text = rng.choice(TEXTS[text_key])
        words = {
            "agency": agencies[agency_id]["name"] if agency_id else mpp.name,
            "mpp": mpp.name,
            "service": service_names.get(service_id) or service_names.get(unit_service.pk, ""),
        }
        title = category.name if channel == "open311" else title.format(**words)[:200]
        text = text.format(**words)
        # submit_complaint: the verification clock starts; the receipt is the "submit" transition.
        life._start(submitted, limits.verify_working_days)
        life.act("submit", "submitted", submitted, reporter, "reporter", data={"channel": channel})
        _live(life, kind, mpp, reporter, desks[mpp.pk], officers, units_of[mpp.pk], agencies)
        local_day = clock.local(submitted)
        while True:
            tracking = (
                f"ADU-{mpp.region_id}-{local_day:%y%m%d}-"
                f"{''.join(rng.choice(ALPHABET) for _ in range(6))}"
            )
            if tracking not in taken:
                taken.add(tracking)
                break
        lapor_key = f"mpp:{tracking}" if mpp.region_id in lapor_regions else None
        row = {
            "id": pk, "status": life.status, "version": life.version, "due_at": life.due_at,
            "breached_at": life.breached_at, "clock_unit": life.clock_unit,
            "clock_paused_at": life.paused_at, "clock_stopped_at": life.stopped_at,
            "remaining_working_days": life.remaining_days, "remaining_office_seconds": None,
            "tracking_number": tracking, "follow_token": token(rng, 24),
            "token": uuid.UUID(int=rng.getrandbits(128), version=4), "kind": kind, "about": about,
            "category_id": category.pk if category else None, "region_id": mpp.region_id,
            "mpp_id": mpp.pk, "agency_id": life.agency_id, "service_id": service_id,
            "application_reference": reference, "title": title, "text": text, "address": address,
            "latitude": lat, "longitude": lon, "is_anonymous": anonymous,
            "is_confidential": confidential, "reporter_id": reporter, "reporter_name": name,
            "reporter_email": email, "reporter_phone": phone, "channel": channel,
            "contact_confirmed": bool(email or phone) and reporter is None,
            "reporter_language": "id",
            "submitted_at": submitted, "updated_at": life.updated_at,
            "forwarded_at": life.forwarded_at, "answered_at": life.answered_at,
            "closed_at": life.closed_at, "extended": life.extended,
            "referred_to": life.referred_to, "escalation_level": life.escalation_level,
            "answered_on_time": life.answered_on_time, "rating": life.rating,
            "rating_comment": life.rating_comment, "lapor_key": lapor_key, "lapor_status": "",
        }  # fmt: skip
        extra = {"guest": None, "lapor": None, "clocks": _case_clocks(pk, submitted, life)}
        if guest is not None:
            sent = submitted - datetime.timedelta(seconds=rng.randint(120, 600))
            code = f"{rng.randrange(1_000_000):06d}"
            extra["guest"] = (
                guest.lower(), hash_token(code), 0, sent,
                sent + datetime.timedelta(minutes=15),
                sent + datetime.timedelta(seconds=rng.randint(30, 110)), submitted,
            )  # fmt: skip
        if lapor_key:
            extra["lapor"] = (
                pk, lapor_key,
                as_json({"tracking_number": tracking, "kind": kind, "title": title, "text": text,
                         "region": mpp.region_id, "anonymous": anonymous,
                         "confidential": confidential}),
                submitted + datetime.timedelta(milliseconds=rng.randint(50, 900)), "",
            )  # fmt: skip
        return row, life, extra

    tables = {
        "complaint": (Complaint, COMPLAINT_COLUMNS),
        "transition": (TransitionRecord, TRANSITION_COLUMNS),
        "message": (Message, MESSAGE_COLUMNS),
        "note": (Note, NOTE_COLUMNS),
        "escalation": (Escalation, ESCALATION_COLUMNS),
        "clock": (ComplaintClock, CLOCK_COLUMNS),
        "guest": (GuestConfirmation, GUEST_COLUMNS),
        "lapor": (LaporOutbox, LAPOR_COLUMNS),
    }
    _stream(ctx, tables, submissions(), build, content_type, n)
    # COPY under session_replication_role = replica fires no trigger: the manager's statistics
    # per agency are built by the product's recount (one grouped scan), as after any bulk load.
    from mpp.complaints.services import recount_complaint_stats

    recount_complaint_stats(fix=True)


def _live(life: Life, kind, mpp, reporter, desk, officers, units, agencies) -> None:
    """The complaint's path from "submitted" to where it stands at the anchor."""
    rng, clock, limits = life.rng, life.clock, life.limits
    default_agency, unit_ids = units
    at = life.transitions[-1][9]
    postponed_once = reopened = False
    # The desk: verify (forward), postpone, refer or archive.
    while life.status == "submitted":
        late = rng.random() < 0.1
        days = (
            rng.randint(limits.verify_working_days + 1, limits.verify_working_days + 4)
            if late
            else rng.choice((0, 0, 1, 1, 1, 2, 2, 3))
        )
        at = clock.office_moment(at, days, rng)
        if not life.reached(at):
            return
        r = rng.random()
        if r < 0.07 and not postponed_once:
            postponed_once = True
            note = NOTES["postpone"]
            remaining = clock.remaining(life.due_at, at)
            life.act("postpone", "postponed", at, desk, "desk", note=note)
            life.due_at, life.breached_at, life.paused_at = None, None, at
            life.remaining_days = remaining
            life.message("desk", desk, note, at)
            if rng.random() < 0.7:
                at = at + datetime.timedelta(hours=rng.uniform(2, 130))
                if at >= life.anchor:
                    return
                note = NOTES["supplement"]
                life.act("supplement", "submitted", at, reporter, "reporter", note=note)
                life.due_at = clock.due(at, remaining)
                life.paused_at = life.remaining_days = None
                life.message("reporter", reporter, note, at)
                continue
            at = clock.office_moment(at, 10, rng)
            if at >= life.anchor:
                return
            life.act("archive", "archived", at, desk, "desk", note=NOTES["archive"])
            life._stop(at)
            life.closed_at = at
            return
        if r < 0.11:
            note = f"Bukan wewenang MPP; dirujuk ke {rng.choice(NOTES['refer'])}."
            life.act("refer", "referred", at, desk, "desk", note=note)
            life._stop(at)
            life.closed_at, life.referred_to = at, note[:200]
            return
        if r < 0.15:
            life.act("archive", "archived", at, desk, "desk", note=NOTES["archive_unclear"])
            life._stop(at)
            life.closed_at = at
            return
        target = life.agency_id or default_agency
        life.agency_id = target  # take_action sets it before apply_action: the record has it
        if rng.random() < 0.1:
            life.notes.append(
                (life.pk, desk, NOTES["internal"], at - datetime.timedelta(minutes=2))
            )
        life.act("verify", "forwarded", at, desk, "desk", data={"agency_id": target})
        life._start(at, life.respond_days(kind))
        life.forwarded_at, life.escalation_level = at, 0
    # The agency: answer (maybe after an extension or a reassignment); the reporter may reopen.
    while life.status == "forwarded":
        started = at
        limit = life.respond_days(kind)
        if rng.random() < 0.05 and len(unit_ids) > 1:
            moved = clock.office_moment(at, rng.choice((0, 1)), rng)
            if not life.reached(moved):
                return
            new = rng.choice([a for a in unit_ids if a != life.agency_id])
            life.act("reassign", "forwarded", moved, desk, "desk", note=NOTES["reassign"],
                     data={"agency_id": new})  # fmt: skip
            life.agency_id = new
            at = moved
        officer = rng.choice(officers[(life.agency_id, mpp.pk)])
        if kind == "informasi" and not life.extended and rng.random() < 0.2:
            extended_at = clock.office_moment(started, rng.randint(2, max(2, limit - 2)), rng)
            if extended_at > at:
                if not life.reached(extended_at):
                    return
                life.act(
                    "extend", "forwarded", extended_at, officer, "agency", note=NOTES["extend"]
                )
                life.due_at = clock.due(life.due_at, limits.extension_working_days)
                life.extended, life.breached_at, life.escalation_level = True, None, 0
                at = extended_at
                limit += limits.extension_working_days
        late = rng.random() < 0.15
        days = rng.randint(limit + 1, limit + 6) if late else rng.randint(0, limit)
        answered = clock.office_moment(started, days, rng)
        answered = max(answered, at + datetime.timedelta(minutes=10))
        if not life.reached(answered):
            return
        at = answered
        on_time = life.due_at is None or at <= life.due_at
        if life.answered_on_time is not None:  # a second answer after a reopening
            on_time = life.answered_on_time and on_time
        text = rng.choice(ANSWERS[kind])
        # take_action records the complaint's on-time flag after this answer.
        life.act("respond", "answered", at, officer, "agency", note=text, data={"on_time": on_time})
        life._stop(at)
        life.answered_at, life.answered_on_time = at, on_time
        life.reply_until = clock.due_calendar_days(at, limits.reply_window_days)
        useful = kind == "konsultasi" and rng.random() < 0.33
        life.message("agency", officer, text, at, response=True, useful=useful)
        if life.rating is None and rng.random() < 0.33:
            life.rating = rng.choices(
                (1, 2, 3, 4, 5), (4, 6, 15, 35, 40) if on_time else (15, 20, 30, 25, 10)
            )[0]
            life.rating_comment = rng.choice(RATING_COMMENTS)
        # The reporter: close, reopen once, or let the reply window end (the sweep closes it).
        r = rng.random()
        if r < 0.08 and not reopened:
            reopened = True
            at = at + datetime.timedelta(hours=rng.uniform(1, 24 * 6))
            if at >= life.anchor:
                return
            life.act("reopen", "forwarded", at, reporter, "reporter", note=NOTES["reopen"])
            life._start(at, life.respond_days(kind))
            life.reply_until, life.escalation_level = None, 0
            life.message("reporter", reporter, NOTES["reopen"], at)
            continue
        if r < 0.43:
            at = at + datetime.timedelta(hours=rng.uniform(0.5, 24 * 9))
            if at >= life.anchor:
                return
            life.act("close", "closed", at, reporter, "reporter")
        else:
            at = life.reply_until + datetime.timedelta(seconds=rng.uniform(1, SWEEP_SECONDS))
            if at >= life.anchor:
                return
            life.act("auto_close", "closed", at, None, "system")
        life.closed_at, life.reply_until = at, None


def _desk_accounts(ctx: Context, mpps, joined) -> dict[int, int]:
    """A complaint-desk account for every MPP without one (Kota Batam has the demo's)."""
    from django.contrib.auth.hashers import make_password
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from mpp.accounts.demo import DEMO_STAFF_PASSWORD, DEMO_TOTP_KEY_HEX
    from mpp.accounts.models import Role, RoleGrant, User

    desks: dict[int, int] = {}
    for grant in RoleGrant.objects.active().filter(role=Role.COMPLAINT_DESK).order_by("id"):
        desks.setdefault(grant.mpp_id, grant.user_id)
    missing = [m for m in mpps if m.pk not in desks]
    if not missing:
        return desks
    first = ctx.next_id("accounts_user")
    password = make_password(DEMO_STAFF_PASSWORD)
    rows = []
    for offset, mpp in enumerate(missing):
        desks[mpp.pk] = first + offset
        rows.append((first + offset, mpp))
    ctx.copy(
        User,
        ["id", "password", "is_superuser", "username", "first_name", "last_name", "email",
         "is_staff", "is_active", "date_joined", "name", "nik", "birth_date", "phone",
         "is_light_record", "session_stamp"],
        ((pk, password, False, f"pengaduan.{mpp.pk}", "", "", f"pengaduan.{mpp.pk}@contoh.go.id",
          False, True, joined, f"Petugas Pengaduan {mpp.region.name}", None, None, "", False, "")
         for pk, mpp in rows),
        total=len(rows),
        label="complaint desk accounts",
    )  # fmt: skip
    ctx.copy(
        RoleGrant,
        ["user_id", "role", "region_id", "mpp_id", "agency_id", "granted_by_id", "granted_at",
         "revoked_at"],
        ((pk, Role.COMPLAINT_DESK, None, mpp.pk, None, None, joined, None) for pk, mpp in rows),
        total=len(rows),
        label="complaint desk grants",
    )  # fmt: skip
    ctx.copy(
        TOTPDevice,
        ["user_id", "name", "confirmed", "key", "step", "t0", "digits", "tolerance", "drift",
         "last_t", "throttling_failure_count", "created_at"],
        ((pk, "Aplikasi autentikator", True, DEMO_TOTP_KEY_HEX, 30, 0, 6, 1, 0, -1, 0, joined)
         for pk, _mpp in rows),
        total=len(rows),
        label="complaint desk TOTP devices",
    )  # fmt: skip
    return desks


def _connect_lapor(ctx: Context, mpps, joined, model) -> set[str]:
    """The first-phase loci are connected to SP4N-LAPOR! (their complaints go to the outbox)."""
    connected = set(model.objects.values_list("region_id", flat=True))
    new = sorted({m.region_id for m in mpps if m.region.is_pilot_locus} - connected)
    if new:
        ctx.copy(
            model,
            ["region_id", "connected_at"],
            ((code, joined) for code in new),
            total=len(new),
            label="LAPOR regions",
        )
    return connected | set(new)


def _national_client(ctx: Context, rng, joined, model) -> None:
    """One national Open311 client: the partner apps that filed the other kab/kota's requests."""
    raw = f"o311_{token(rng, 24)}"
    if model.objects.filter(key_hash=model.hash(raw)).exists():
        return
    ctx.copy(
        model,
        ["name", "region_id", "key_prefix", "key_hash", "created_by_id", "created_at",
         "revoked_at"],
        [("Aplikasi kanal pengaduan mitra (data uji)", None, raw[:8], model.hash(raw), None,
          joined, None)],
        total=1,
        label="Open311 clients",
    )  # fmt: skip


def _sampled_applications(ctx: Context) -> dict[int, tuple[list, list]]:
    """A sample of the submitted applications per MPP, by submission time, for the complaints
    about "my application" (their reporter is the applicant)."""
    # Every application up to 200,000 (the small scale: even the smallest MPP has a few in any
    # 60 days), one in (total / 200,000) beyond (the national: 50 per smallest MPP in 60 days).
    ctx.cursor.execute("SELECT count(*) FROM cases_application")
    total = ctx.cursor.fetchone()[0]
    step = max(1, total // 200_000)
    ctx.cursor.execute(
        "SELECT mpp_id, submitted_at, id, tracking_number, applicant_id, agency_id, service_id "
        "FROM cases_application WHERE submitted_at IS NOT NULL AND status <> 'draft' "
        "AND id %% %s = 0 ORDER BY mpp_id, submitted_at",
        [step],
    )
    by_mpp: dict[int, tuple[list, list]] = {}
    for mpp_id, submitted, *rest in ctx.cursor.fetchall():
        times, rows = by_mpp.setdefault(mpp_id, ([], []))
        times.append(submitted)
        rows.append(tuple(rest))
    return by_mpp


def _application_for(sample, at: datetime.datetime, rng):
    """One sampled application submitted in the 60 days before ``at``, or None."""
    if not sample:
        return None
    times, rows = sample
    high = bisect.bisect_left(times, at - datetime.timedelta(hours=1))
    low = bisect.bisect_left(times, at - datetime.timedelta(days=60))
    if high <= low:
        return None
    return rows[rng.randrange(low, high)]


COMPLAINT_COLUMNS = [
    "id", "status", "version", "due_at", "breached_at", "clock_unit", "clock_paused_at",
    "clock_stopped_at", "remaining_working_days", "remaining_office_seconds", "tracking_number",
    "follow_token", "token", "kind", "about", "category_id", "region_id", "mpp_id", "agency_id",
    "service_id", "application_reference", "title", "text", "address", "latitude", "longitude",
    "is_anonymous", "is_confidential", "reporter_id", "reporter_name", "reporter_email",
    "reporter_phone", "channel", "contact_confirmed", "reporter_language", "submitted_at", "updated_at", "forwarded_at", "answered_at",
    "closed_at", "extended", "referred_to", "escalation_level",
    "answered_on_time", "rating", "rating_comment", "lapor_key", "lapor_status",
]  # fmt: skip
TRANSITION_COLUMNS = [
    "content_type_id", "object_id", "workflow", "action", "from_state", "to_state", "version",
    "actor_id", "actor_kind", "note", "at", "data", "region_id", "mpp_id", "agency_id",
]  # fmt: skip
MESSAGE_COLUMNS = [
    "complaint_id",
    "author_kind",
    "author_id",
    "text",
    "is_response",
    "is_useful",
    "at",
]
NOTE_COLUMNS = ["complaint_id", "author_id", "text", "at"]
ESCALATION_COLUMNS = ["complaint_id", "level", "status", "due_at", "at", "whole_case"]
CLOCK_COLUMNS = [
    "complaint_id", "kind", "due_at", "breached_at", "clock_unit", "clock_paused_at",
    "clock_stopped_at", "remaining_working_days", "remaining_office_seconds",
]  # fmt: skip


def _case_clocks(pk: int, submitted: datetime.datetime, life: Life) -> list[tuple]:
    """The complaint's other clocks as ``services.CLOCK_RULES`` leave them: the whole-case limit
    running while the staff hold it, paused while it waits for the reporter, stopped when done;
    the reply window running while answered."""
    limit_due = life.clock.due_calendar_days(submitted, life.limits.resolve_days)
    running = (limit_due, None, None, None)
    if life.status in ("referred", "archived", "closed"):
        limit = (limit_due, None, life.closed_at or life.updated_at, None)
    elif life.status in ("postponed", "answered"):
        left = (life.clock.local(limit_due) - life.clock.local(life.updated_at)).days
        limit = (None, life.updated_at, None, max(0, left))
    else:
        limit = running
    rows = [(pk, "limit", limit[0], None, "calendar_days", limit[1], limit[2], limit[3], None)]
    if life.status == "answered" and life.reply_until is not None:
        rows.append((pk, "reply", life.reply_until, None, "calendar_days", None, None, None, None))
    return rows


GUEST_COLUMNS = [
    "address",
    "code_hash",
    "attempts",
    "created_at",
    "expires_at",
    "confirmed_at",
    "used_at",
]
LAPOR_COLUMNS = ["complaint_id", "idempotency_key", "payload", "created_at", "remote_status"]


def _stream(ctx: Context, tables, submissions, build, content_type: int, n: int) -> None:
    """Build complaints in batches; COPY each batch and then its children (one COPY at a time).

    A signed-in reporter's name is the account's (``submit_complaint``): the names of a batch's
    reporters are read in one query before its rows are written.
    """
    from bench.data.base import check_columns

    for model, columns in tables.values():
        check_columns(model, columns)
    bar = ctx.progress.add_task("complaints (+ history, thread)", total=n)
    done = 0
    counts = dict.fromkeys(tables, 0)

    def copy_into(key, rows) -> None:
        if not rows:
            return
        model, columns = tables[key]
        names = ", ".join(f'"{model._meta.get_field(_name(c)).column}"' for c in columns)
        with ctx.cursor.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        counts[key] += len(rows)

    stream = iter(submissions)
    while True:
        built = [build(*item) for _, item in zip(range(BATCH), stream, strict=False)]
        if not built:
            break
        reporters = sorted({row["reporter_id"] for row, _l, _e in built if row["reporter_id"]})
        ctx.cursor.execute(
            "SELECT id, name, email FROM accounts_user WHERE id = ANY(%s)", [reporters]
        )
        names = {pk: (name, email) for pk, name, email in ctx.cursor.fetchall()}
        complaints, transitions, messages, notes, escalations, guests, lapor, clocks = (
            [] for _ in range(8)
        )
        for row, life, extra in built:
            if row["reporter_id"]:
                name, email = names.get(row["reporter_id"], ("", ""))
                row["reporter_name"], row["reporter_email"] = name.strip()[:150], email
            complaints.append(tuple(row[c] for c in COMPLAINT_COLUMNS))
            transitions.extend((content_type, str(t[0]), *t[1:]) for t in life.transitions)
            messages.extend(life.messages)
            notes.extend(life.notes)
            escalations.extend((*row, False) for row in life.escalations)
            clocks.extend(extra["clocks"])
            if extra["guest"]:
                guests.append(extra["guest"])
            if extra["lapor"]:
                lapor.append(extra["lapor"])
        copy_into("complaint", complaints)
        copy_into("transition", transitions)
        copy_into("message", messages)
        copy_into("note", notes)
        copy_into("escalation", escalations)
        copy_into("clock", clocks)
        copy_into("guest", guests)
        copy_into("lapor", lapor)
        done += len(built)
        ctx.progress.update(bar, completed=done)
    ctx.progress.update(bar, completed=done, total=done)
    for key, (model, _columns) in tables.items():
        table = model._meta.db_table
        ctx.counts[table] = ctx.counts.get(table, 0) + counts[key]


def _name(attname: str) -> str:
    return attname[:-3] if attname.endswith("_id") and attname != "object_id" else attname
