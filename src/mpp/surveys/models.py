"""SKM (survei kepuasan masyarakat): questionnaires, invitations, kiosks, responses, day sums.

A questionnaire belongs to one unit (the nation, an MPP, an agency at an MPP, or a service) and is
versioned: a response keeps the version it answered. Answers are rows (``Answer``) so extra
elements need no schema change. ``DaySum`` keeps, per local day × unit × element, the sum and the
number of answers (and pseudo-elements for respondents and population), so an IKM over a region
and a year reads a few thousand rows instead of a million responses. ``OfficerDaySum`` does the same
for the one element reported per officer (U7), per local day × unit × officer.
"""

from __future__ import annotations

import datetime
from fractions import Fraction
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mpp.tenancy.scope import Scope

if TYPE_CHECKING:
    from mpp.tenancy.models import MPP


class UnitKind(models.TextChoices):
    NATIONAL = "national", _("Nasional")
    REGION = "region", _("Kabupaten/kota")
    MPP = "mpp", _("MPP")
    AGENCY = "agency", _("Instansi")
    PRESENCE = "presence", _("Instansi di MPP")
    SERVICE = "service", _("Layanan")


# Pseudo-elements of DaySum: the number of respondents and of finished transactions (population).
RESPONDENTS = "_respondents"
POPULATION = "_population"


class Questionnaire(models.Model):
    """The survey of one unit; ``mpp``/``agency``/``service`` say which (all empty: national)."""

    mpp = models.ForeignKey(
        "tenancy.MPP", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        "tenancy.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    current_version = models.OneToOneField(
        "QuestionnaireVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    required_before_download = models.BooleanField(
        _("wajib diisi sebelum mengunduh dokumen"), default=False
    )
    created_at = models.DateTimeField(default=timezone.now)
    # One questionnaire per unit: "national:", "mpp:3", "presence:5@3", "service:12" (set on save;
    # a unique column, since NULLs in mpp/agency/service would never collide in a constraint).
    unit_key = models.CharField(max_length=40, unique=True, editable=False)

    class Meta:
        verbose_name = _("kuesioner SKM")
        verbose_name_plural = _("kuesioner SKM")

    def __str__(self) -> str:
        return str(self.unit_label)

    def save(self, *args, **kwargs):
        if self.service_id:
            self.unit_key = f"service:{self.service_id}"
        elif self.agency_id:
            self.unit_key = f"presence:{self.agency_id}@{self.mpp_id}"
        elif self.mpp_id:
            self.unit_key = f"mpp:{self.mpp_id}"
        else:
            self.unit_key = "national:"
        super().save(*args, **kwargs)

    @property
    def unit_kind(self) -> str:
        if self.service_id:
            return UnitKind.SERVICE
        if self.agency_id:
            return UnitKind.PRESENCE
        if self.mpp_id:
            return UnitKind.MPP
        return UnitKind.NATIONAL

    @property
    def unit_label(self) -> str:
        if self.service is not None:
            return self.service.name
        if self.agency is not None and self.mpp is not None:
            return f"{self.agency.name} — {self.mpp.name}"
        if self.mpp is not None:
            return self.mpp.name
        return str(_("Kuesioner nasional"))

    def policy_scope(self) -> Scope:
        if self.mpp is None:
            return Scope()
        return Scope.at(self.mpp, self.agency_id)


class QuestionnaireVersion(models.Model):
    """One published wording of a questionnaire: elements with answers and exact weights."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("nomor versi"))
    # [{"code", "name", "question", "answers": [4 strings], "weight": "1/9"}]
    elements = models.JSONField(_("unsur"))
    ask_suggestion = models.BooleanField(_("tanyakan saran"), default=True)
    ask_profile = models.BooleanField(_("tanyakan profil responden"), default=True)
    adopted_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["questionnaire", "number"]
        verbose_name = _("versi kuesioner SKM")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "number"], name="questionnaire_version_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire_id} v{self.number}"

    def weights(self) -> dict[str, Fraction]:
        return {element["code"]: Fraction(element["weight"]) for element in self.elements}

    def codes(self) -> list[str]:
        return [element["code"] for element in self.elements]


class Invitation(models.Model):
    """The invitation of the citizen of one finished transaction (one per transaction).

    The transaction is a generic link (content type + id): surveys does not import the processes.
    Its unit and officer are copied from the process object's ``skm_subject()``. The one-time link
    carries a random token of which only the hash is kept.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    workflow = models.CharField(max_length=64)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    mpp = models.ForeignKey(
        "tenancy.MPP", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        "tenancy.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    finished_at = models.DateTimeField()
    day = models.DateField(_("tanggal (waktu setempat)"))
    expires_at = models.DateTimeField()
    token_hash = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("undangan SKM")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="invitation_one_per_transaction"
            )
        ]
        indexes = [models.Index(fields=["citizen", "used_at"], name="invitation_citizen_open")]

    def __str__(self) -> str:
        return f"{self.workflow}:{self.object_id}"

    @property
    def is_open(self) -> bool:
        return self.used_at is None and timezone.now() < self.expires_at


class KioskDevice(models.Model):
    """What an SKM kiosk adds to its device (``devices.Device``, kind ``skm_kiosk``: MPP, name,
    token, networks, revocation): the service it asks about, its interval between answers and the
    counts of refused attempts. Anonymous responses and voids refer to this row."""

    device = models.OneToOneField(
        "devices.Device", on_delete=models.PROTECT, related_name="skm_kiosk"
    )
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, related_name="+", verbose_name=_("layanan")
    )
    # One answer per this many seconds (empty: settings.SKM_KIOSK_MIN_INTERVAL_SECONDS).
    min_interval_seconds = models.PositiveIntegerField(
        _("jeda minimum antarjawaban (detik)"), null=True, blank=True
    )
    # The moment of the last accepted live answer: the per-device rate is a conditional UPDATE
    # of this column, so two answers racing for the same slot cannot both win.
    last_answer_at = models.DateTimeField(null=True, blank=True)
    refused_too_soon = models.PositiveIntegerField(default=0)
    refused_network = models.PositiveIntegerField(default=0)
    last_refused_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["device__mpp", "device__name"]
        verbose_name = _("perangkat kios SKM")

    def __str__(self) -> str:
        return self.device.name

    def policy_scope(self) -> Scope:
        return self.device.policy_scope()

    # The device's own facts, read through it (one place: ``devices.Device``).
    @property
    def name(self) -> str:
        return self.device.name

    @property
    def mpp(self) -> MPP:
        return self.device.mpp

    @property
    def mpp_id(self) -> int:
        return self.device.mpp_id

    @property
    def revoked_at(self) -> datetime.datetime | None:
        return self.device.revoked_at

    @property
    def networks(self) -> list[str]:
        return list(self.device.networks)

    @property
    def interval_seconds(self) -> int:
        return self.min_interval_seconds or settings.SKM_KIOSK_MIN_INTERVAL_SECONDS

    @property
    def refused_total(self) -> int:
        return self.refused_too_soon + self.refused_network


class KioskVoid(models.Model):
    """A manager's decision to void a kiosk's answers of a period (the answers are kept, marked
    with this record: who, when and why)."""

    device = models.ForeignKey(KioskDevice, on_delete=models.PROTECT, related_name="voids")
    start = models.DateTimeField(_("mulai"))
    end = models.DateTimeField(_("sampai"))
    reason = models.TextField(_("alasan"), max_length=500)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    voided_at = models.DateTimeField(default=timezone.now)
    responses = models.PositiveIntegerField(_("jumlah jawaban"), default=0)

    class Meta:
        ordering = ["-voided_at", "-id"]
        verbose_name = _("pembatalan jawaban kios")

    def __str__(self) -> str:
        return f"{self.device_id} {self.start:%Y-%m-%d %H:%M}–{self.end:%Y-%m-%d %H:%M}"


class Channel(models.TextChoices):
    INVITATION = "invitation", _("Tautan undangan")
    APP = "app", _("Aplikasi seluler")
    KIOSK = "kiosk", _("Kios")


class AgeBand(models.TextChoices):
    UNDER_20 = "lt20", _("Di bawah 20 tahun")
    FROM_20 = "20_29", _("20–29 tahun")
    FROM_30 = "30_39", _("30–39 tahun")
    FROM_40 = "40_49", _("40–49 tahun")
    FROM_50 = "50_59", _("50–59 tahun")
    OVER_60 = "60plus", _("60 tahun ke atas")


class Sex(models.TextChoices):
    MALE = "l", _("Laki-laki")
    FEMALE = "p", _("Perempuan")


class Education(models.TextChoices):
    SD = "sd", _("SD ke bawah")
    SMP = "smp", _("SMP")
    SMA = "sma", _("SMA/SMK")
    D3 = "d3", _("D1–D3")
    S1 = "s1", _("D4/S1")
    S2 = "s2", _("S2 ke atas")


class Occupation(models.TextChoices):
    PNS = "pns", _("PNS/TNI/Polri")
    PRIVATE = "swasta", _("Pegawai swasta")
    SELF = "wirausaha", _("Wirausaha")
    STUDENT = "pelajar", _("Pelajar/mahasiswa")
    OTHER = "lainnya", _("Lainnya")


class Response(models.Model):
    """One filled questionnaire. From an invitation it is linked to the transaction (one response
    per transaction, enforced by the database); from a kiosk it is anonymous."""

    version = models.ForeignKey(QuestionnaireVersion, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(max_length=12, choices=Channel.choices)
    invitation = models.OneToOneField(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="response"
    )
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True, default="")
    kiosk = models.ForeignKey(
        KioskDevice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    mpp = models.ForeignKey(
        "tenancy.MPP", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        "tenancy.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(default=timezone.now)
    day = models.DateField(_("tanggal (waktu setempat)"))
    suggestion = models.TextField(_("saran"), max_length=2000, blank=True)
    age_band = models.CharField(_("usia"), max_length=8, choices=AgeBand.choices, blank=True)
    sex = models.CharField(_("jenis kelamin"), max_length=1, choices=Sex.choices, blank=True)
    education = models.CharField(
        _("pendidikan"), max_length=8, choices=Education.choices, blank=True
    )
    occupation = models.CharField(
        _("pekerjaan"), max_length=12, choices=Occupation.choices, blank=True
    )
    # Set when a manager voids the kiosk's answers of a period: the row stays, counted nowhere.
    void = models.ForeignKey(
        KioskVoid, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["answered_at", "id"]
        verbose_name = _("jawaban SKM")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=models.Q(content_type__isnull=False),
                name="response_one_per_transaction",
            )
        ]
        indexes = [
            models.Index(fields=["region", "day"], name="response_region_day"),
            models.Index(fields=["mpp", "day"], name="response_mpp_day"),
            models.Index(fields=["service", "day"], name="response_service_day"),
            models.Index(fields=["kiosk", "answered_at"], name="response_kiosk_time"),
            # The suggestions of an MPP's or an agency's report, newest first: only the counted
            # responses with a suggestion, so the list stops at its page instead of reading the
            # unit's year of responses.
            *(
                models.Index(
                    fields=[unit, "answered_at", "id"],
                    condition=~models.Q(suggestion="") & models.Q(void__isnull=True),
                    name=f"response_{unit}_suggestions",
                )
                for unit in ("mpp", "agency")
            ),
        ]

    def __str__(self) -> str:
        return f"SKM {self.pk}"


class Answer(models.Model):
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    element = models.CharField(max_length=16)
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "element"], name="answer_once_per_element"),
            models.CheckConstraint(
                condition=models.Q(value__gte=1, value__lte=4), name="answer_on_the_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.element}={self.value}"


class DaySum(models.Model):
    """Σ answers and their count per local day × unit × element (kept current on each response).

    ``unit`` is "<kind>:<id>" ("national:", "region:2171", "mpp:3", "agency:5", "presence:5@3",
    "service:12"); ``element`` is an element code or a pseudo-element (respondents, population).
    """

    day = models.DateField()
    unit = models.CharField(max_length=40)
    element = models.CharField(max_length=16)
    total = models.BigIntegerField(default=0)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "day", "element"], name="day_sum_key")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.unit} {self.element}"


class OfficerDaySum(models.Model):
    """Σ answers of the officer element (``elements.OFFICER_ELEMENT``, U7) and their count per
    local day × unit × officer who served (kept current on each response, with ``DaySum``).

    Only the units whose officer page someone may open (``units.officer_units_of``: MPP, agency,
    agency at MPP, service). The officer's rows go with the account: a deleted account's responses
    lose their officer (``SET_NULL``) and so leave the page, as its sums do here (``CASCADE``).
    """

    day = models.DateField()
    unit = models.CharField(max_length=40)
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    total = models.BigIntegerField(default=0)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "day", "officer"], name="officer_day_sum_key")
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.unit} {self.officer_id}"


class FollowUp(models.Model):
    """The recorded tindak lanjut (follow-up) of one suggestion."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="follow_up")
    text = models.TextField(_("tindak lanjut"), max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tindak lanjut saran")

    def __str__(self) -> str:
        return f"tindak lanjut {self.response_id}"


class Improvement(models.Model):
    """A planned improvement published with the IKM of a unit (rencana tindak lanjut)."""

    unit = models.CharField(max_length=40)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("rencana perbaikan"), max_length=2000)
    planned_for = models.CharField(_("waktu pelaksanaan"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        verbose_name = _("rencana perbaikan")

    def __str__(self) -> str:
        return self.text[:40]
