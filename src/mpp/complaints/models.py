"""Complaints and consultations (pengaduan dan konsultasi) on the SP4N-LAPOR! lifecycle."""

from __future__ import annotations

import datetime
import secrets
import uuid
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mpp.accounts.tokens import hash_token
from mpp.deadlines.models import ClockedModel, ClockQuerySet
from mpp.fields import optional_link
from mpp.tenancy.models import Agency
from mpp.tenancy.scope import Scope
from mpp.workflows.models import WorkflowModel

from .workflow import COMPLAINT, FINAL, OPEN

MAX_TEXT = 4000


class Kind(models.TextChoices):
    ASPIRATION = "aspirasi", _("Aspirasi")
    COMPLAINT = "pengaduan", _("Pengaduan")
    INFORMATION = "informasi", _("Permintaan informasi")
    CONSULTATION = "konsultasi", _("Konsultasi")


class About(models.TextChoices):
    MPP = "mpp", _("MPP secara umum")
    AGENCY = "agency", _("Instansi tertentu")
    SERVICE = "service", _("Layanan tertentu")
    APPLICATION = "application", _("Permohonan saya")


class Channel(models.TextChoices):
    WEB = "web", _("Situs web")
    API = "api", _("Aplikasi seluler")
    OPEN311 = "open311", _("Open311")


class Rating(models.IntegerChoices):
    """The reporter's rating of the agency's answer: each value has its word."""

    VERY_POOR = 1, pgettext_lazy("penilaian tanggapan", "Sangat buruk")
    POOR = 2, pgettext_lazy("penilaian tanggapan", "Buruk")
    FAIR = 3, pgettext_lazy("penilaian tanggapan", "Cukup")
    GOOD = 4, pgettext_lazy("penilaian tanggapan", "Baik")
    VERY_GOOD = 5, pgettext_lazy("penilaian tanggapan", "Sangat baik")


class TimeLimits(models.Model):
    """The day counts of the lifecycle, as data: one national row (region empty) and optional
    rows per kab/kota. The 5 and 10 are what the national app describes and are unconfirmed."""

    region = models.OneToOneField(
        "regions.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    verify_working_days = models.PositiveSmallIntegerField(_("verifikasi (hari kerja)"), default=3)
    respond_working_days = models.PositiveSmallIntegerField(
        _("tanggapan instansi (hari kerja)"), default=5
    )
    information_working_days = models.PositiveSmallIntegerField(
        _("permintaan informasi (hari kerja)"), default=10
    )
    extension_working_days = models.PositiveSmallIntegerField(
        _("perpanjangan permintaan informasi (hari kerja)"), default=7
    )
    reply_window_days = models.PositiveSmallIntegerField(
        _("waktu balasan pelapor (hari)"), default=10
    )
    resolve_days = models.PositiveSmallIntegerField(_("penyelesaian (hari)"), default=60)
    escalate_again_working_days = models.PositiveSmallIntegerField(
        _("eskalasi ke admin kabupaten/kota setelah (hari kerja)"), default=2
    )

    class Meta:
        verbose_name = _("jangka waktu pengaduan")
        verbose_name_plural = _("jangka waktu pengaduan")

    def __str__(self) -> str:
        return str(self.region_id or "nasional")


class Category(models.Model):
    """A complaint category (an Open311 "service"): national (region empty) or of one kab/kota."""

    code = models.SlugField(_("kode"), max_length=60)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("nama"), max_length=200)
    description = models.TextField(_("keterangan"), blank=True)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices, default=Kind.COMPLAINT)
    agency = models.ForeignKey(
        "tenancy.Agency", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    needs_location = models.BooleanField(_("wajib lokasi"), default=False)
    keywords = models.CharField(_("kata kunci"), max_length=200, blank=True)
    group = models.CharField(_("kelompok"), max_length=100, blank=True)
    # An integrity complaint (pungli, gratifikasi, maladministrasi by staff) goes to the region's
    # inspectorate, never to the agency it is about.
    integrity = models.BooleanField(_("integritas (ditangani inspektorat)"), default=False)
    # Open311 attribute definitions: [{"code", "datatype", "required", "description", "values"}]
    attributes = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["code", "region"], name="complaint_category_code"),
        ]
        verbose_name = _("kategori pengaduan")
        verbose_name_plural = _("kategori pengaduan")

    def __str__(self) -> str:
        return self.name


class ComplaintQuerySet(ClockQuerySet):
    def public(self) -> ComplaintQuerySet:
        return self.filter(is_confidential=False)

    def with_deadlines(self) -> ComplaintQuerySet:
        """Each row gets the deadlines of its running case clocks (``reply_until``,
        ``resolve_by``) in the same query, read by the properties of the same names."""
        annotated: ComplaintQuerySet = self.annotate(
            **{
                _DEADLINE_ATTRIBUTE[kind]: models.Subquery(
                    ComplaintClock.objects.filter(complaint=models.OuterRef("pk"), kind=kind)
                    .running()
                    .values("due_at")[:1]
                )
                for kind in _DEADLINE_ATTRIBUTE
            }
        )
        return annotated


ComplaintManager = models.Manager.from_queryset(ComplaintQuerySet)


def new_follow_token() -> str:
    return secrets.token_urlsafe(24)


class Complaint(WorkflowModel, ClockedModel):
    workflow = COMPLAINT

    tracking_number = models.CharField(_("nomor pengaduan"), max_length=32, unique=True)
    # The secret of the follow link (guests have no account); never shown to staff.
    follow_token = models.CharField(max_length=64, unique=True, default=new_follow_token)
    # The Open311 token of a request (GET tokens/{token}).
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    about = models.CharField(_("tentang"), max_length=12, choices=About.choices)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    mpp = models.ForeignKey("tenancy.MPP", on_delete=models.PROTECT, related_name="+")
    agency = optional_link(Agency)
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The agency an integrity complaint is about: it never handles (or sees) the complaint, which
    # goes to the region's inspectorate (``agency``).
    reported_agency = optional_link(Agency, _("instansi yang diadukan"))
    # The tracking number of the reporter's own application, checked at submission.
    application_reference = models.CharField(_("nomor permohonan"), max_length=40, blank=True)
    title = models.CharField(_("judul"), max_length=200)
    text = models.TextField(_("isi"))
    address = models.CharField(_("alamat lokasi"), max_length=300, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    is_anonymous = models.BooleanField(_("anonim"), default=False)
    is_confidential = models.BooleanField(_("rahasia"), default=False)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="complaints",
    )
    reporter_name = models.CharField(_("nama pelapor"), max_length=150, blank=True)
    reporter_email = models.EmailField(_("surel pelapor"), blank=True)
    reporter_phone = models.CharField(_("telepon pelapor"), max_length=32, blank=True)
    # The language the reporter filed in: a guest's messages are written in it.
    reporter_language = models.CharField(max_length=8, blank=True)
    # A guest confirmed the contact with a one-time code: only then do messages go to it (an
    # Open311 client's unconfirmed address is never written to).
    contact_confirmed = models.BooleanField(default=False)
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    submitted_at = models.DateTimeField(_("diajukan pada"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("diperbarui pada"), default=timezone.now)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    extended = models.BooleanField(_("sudah diperpanjang"), default=False)
    referred_to = models.CharField(_("dirujuk ke"), max_length=200, blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    answered_on_time = models.BooleanField(null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("penilaian"), choices=Rating.choices, null=True, blank=True
    )
    rating_comment = models.TextField(_("komentar penilaian"), blank=True)
    # The SP4N-LAPOR! connector's idempotency key and the status it reported back.
    lapor_key = models.CharField(max_length=64, unique=True, null=True, blank=True)
    lapor_status = models.CharField(max_length=40, blank=True)

    objects: ClassVar[ComplaintManager] = ComplaintManager()

    if TYPE_CHECKING:
        # Set on the rows they read (absent otherwise): the latest response of Open311's list,
        # the reporter as the API shows the caller and the follow link of the reporter's own.
        latest_response: str | None
        reporter_shown: str
        follow_url: str | None

    class Meta:
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["region", "-submitted_at", "-id"], name="complaint_region_time"),
            models.Index(fields=["mpp", "status", "due_at"], name="complaint_mpp_queue"),
            models.Index(fields=["agency", "status", "due_at"], name="complaint_agency_inbox"),
        ]
        verbose_name = _("pengaduan")
        verbose_name_plural = _("pengaduan")

    def __str__(self) -> str:
        return self.tracking_number

    def policy_scope(self) -> Scope:
        return Scope(
            region_codes=frozenset({self.region_id}),
            mpp_ids=frozenset({self.mpp_id}),
            agency_id=self.agency_id,
        )

    def clock_region(self):
        return self.region

    def _clock_due(self, kind: str) -> datetime.datetime | None:
        """The deadline of the running case clock ``kind``: read with the complaint by
        :meth:`ComplaintQuerySet.with_deadlines`, else asked for."""
        attribute = _DEADLINE_ATTRIBUTE[kind]
        if attribute in self.__dict__:
            due: datetime.datetime | None = self.__dict__[attribute]
            return due
        return (
            ComplaintClock.objects.filter(complaint_id=self.pk, kind=kind)
            .running()
            .values_list("due_at", flat=True)
            .first()
        )

    def forget_deadlines(self) -> None:
        """Drop the deadlines read with the complaint: its clocks moved, the next read asks."""
        for attribute in _DEADLINE_ATTRIBUTE.values():
            self.__dict__.pop(attribute, None)

    @property
    def reply_until(self) -> datetime.datetime | None:
        """Until when the reporter may reply to the answer (the running reply-window clock)."""
        return self._clock_due(ClockKind.REPLY)

    @property
    def resolve_by(self) -> datetime.datetime | None:
        """When the whole case must be settled (the running whole-case clock; None while paused)."""
        return self._clock_due(ClockKind.LIMIT)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    @property
    def may_extend(self) -> bool:
        return self.kind == Kind.INFORMATION and not self.extended

    def skm_subject(self) -> dict:
        """Who the SKM survey invites when the complaint is closed (see COMMON conventions)."""
        return {
            "citizen": self.reporter,
            "region_id": self.region_id,
            "mpp_id": self.mpp_id,
            "agency_id": self.agency_id,
            "service_id": self.service_id,
            "officer_id": None,
            "finished_at": self.closed_at or timezone.now(),
        }


class AgencyComplaintCount(models.Model):
    """The complaint manager's statistics of one agency at one MPP and kab/kota: the complaints it
    holds now (``agency`` is the current one), how many are answered, answered on time and
    escalated now, and the sum of their response times (``answered_at - submitted_at``).

    Kept by database triggers on ``complaints_complaint`` (migration ``0008_agency_counts``) in the
    transaction that inserts, forwards, answers, escalates or deletes a complaint, whatever code
    does it: ``selectors.statistics_per_agency`` reads these rows instead of counting the scope's
    complaints on every request. The grain is the one ``scope_filter`` needs for the overseers'
    grants (MPP or kab/kota). ``manage.py recount_complaint_stats`` compares the rows with a count
    of the complaints and repairs drift with ``--fix`` (after a bulk load that fired no trigger).
    """

    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    mpp = models.ForeignKey("tenancy.MPP", on_delete=models.CASCADE, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    received = models.BigIntegerField(_("diterima"), default=0)
    answered = models.BigIntegerField(_("ditanggapi"), default=0)
    answered_on_time = models.BigIntegerField(_("ditanggapi tepat waktu"), default=0)
    escalated = models.BigIntegerField(_("dieskalasi"), default=0)
    # Over the answered complaints only; their count is ``answered``.
    response_microseconds = models.BigIntegerField(
        _("jumlah lama tanggapan (mikrodetik)"), default=0
    )

    class Meta:
        verbose_name = _("statistik pengaduan per instansi")
        verbose_name_plural = _("statistik pengaduan per instansi")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "mpp", "region"], name="complaint_agency_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.mpp_id}/{self.region_id}: {self.received}"

    # The figures kept, in the order the recount reports them.
    FIGURES: ClassVar[tuple[str, ...]] = (
        "received",
        "answered",
        "answered_on_time",
        "escalated",
        "response_microseconds",
    )


class ClockKind(models.TextChoices):
    """The complaint's clocks beside its own (the desk's verification and the agency's answer run
    on the complaint row itself, see ``docs/complaints.md``)."""

    REPLY = "reply", _("waktu balasan pelapor")
    LIMIT = "limit", _("batas penyelesaian")
    ESCALATE_AGAIN = "escalate_again", _("eskalasi ke admin kabupaten/kota")


# The annotation of ``with_deadlines`` per clock kind, read by the properties of Complaint.
_DEADLINE_ATTRIBUTE: dict[str, str] = {ClockKind.REPLY: "reply_due", ClockKind.LIMIT: "limit_due"}


class ComplaintClock(ClockedModel):
    """One more clock of a complaint, of the deadlines mechanism: started, paused, resumed and
    stopped by the lifecycle's rules (``services.CLOCK_RULES``), flagged by the one sweep and
    acted on by the complaints' sweep step (auto-close, escalation)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(_("jenis tenggat"), max_length=16, choices=ClockKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["complaint", "kind"], name="complaint_clock_once")
        ]
        indexes = [models.Index(fields=["kind", "due_at"], name="complaint_clock_due")]
        verbose_name = _("tenggat pengaduan")
        verbose_name_plural = _("tenggat pengaduan")

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"

    def clock_region(self):
        return self.complaint.region


class Message(models.Model):
    """The public thread: the agency's responses, the reporter's replies, the desk's requests."""

    class Author(models.TextChoices):
        REPORTER = "reporter", _("Pelapor")
        DESK = "desk", _("Petugas pengaduan")
        AGENCY = "agency", _("Instansi")

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=10, choices=Author.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    text = models.TextField(_("isi"))
    is_response = models.BooleanField(default=False)
    # A consultation answer the agency marked useful becomes a FAQ of the service.
    is_useful = models.BooleanField(_("jadikan tanya jawab layanan"), default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["is_useful", "is_response"], name="complaint_msg_faq")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.author_kind} {self.at:%Y-%m-%d}"


class Note(models.Model):
    """An internal note of the desk or the agency; never shown to the reporter or the public."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("catatan"))
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.at:%Y-%m-%d}"


class Attachment(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="complaints/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    def __str__(self) -> str:
        return self.original_name


class ResponseTemplate(models.Model):
    """A reusable answer of an agency (or of every agency at an MPP when agency is empty)."""

    agency = models.ForeignKey(
        "tenancy.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    mpp = models.ForeignKey(
        "tenancy.MPP", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("judul"), max_length=120)
    text = models.TextField(_("isi"))

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Escalation(models.Model):
    """An overdue complaint raised to the level above (1: MPP manager, 2: regional admin), or
    (``whole_case``) past its whole-case limit: told to both at once."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="escalations")
    level = models.PositiveSmallIntegerField()
    whole_case = models.BooleanField(_("batas penyelesaian"), default=False)
    status = models.CharField(max_length=32)
    due_at = models.DateTimeField(null=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "status", "level", "due_at"], name="complaint_escalation_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} level {self.level}"


class IntegrationClient(models.Model):
    """An Open311 client with an API key (only the key's SHA-256 is stored)."""

    name = models.CharField(_("nama klien"), max_length=120)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    key_prefix = models.CharField(max_length=8)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("klien integrasi")
        verbose_name_plural = _("klien integrasi")

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def hash(key: str) -> str:
        return hash_token(key)


class LaporRegion(models.Model):
    """A kab/kota connected to SP4N-LAPOR!: its complaints are forwarded there once."""

    region = models.OneToOneField("regions.Region", on_delete=models.CASCADE, related_name="+")
    connected_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return str(self.region_id)


class LaporOutbox(models.Model):
    """What the default connector "sends": one row per complaint (idempotency key unique)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="+")
    idempotency_key = models.CharField(max_length=64, unique=True)
    payload = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    remote_status = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return self.idempotency_key


class Forward(models.Model):
    """The hand-off of one complaint to SP4N-LAPOR!: written with the complaint, sent by a task.

    ``pending → sending → sent``, or ``failed`` (tried again at ``next_attempt_at``, with backoff)
    and, after ``MAX_ATTEMPTS``, ``given_up`` until the desk sends it again by hand. Every try
    carries ``idempotency_key``, so LAPOR files the complaint once whatever is retried.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Menunggu dikirim")
        SENDING = "sending", _("Sedang dikirim")
        SENT = "sent", _("Terkirim")
        FAILED = "failed", _("Gagal, akan dicoba lagi")
        GIVEN_UP = "given_up", _("Gagal, tidak dicoba lagi")

    complaint = models.OneToOneField(Complaint, on_delete=models.CASCADE, related_name="forward")
    idempotency_key = models.CharField(max_length=64, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # LAPOR's own tracking number for the complaint, shown to the desk and the reporter.
    remote_number = models.CharField(_("nomor SP4N-LAPOR!"), max_length=64, blank=True)
    # A short reason without personal data: an exception class, an HTTP status.
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="forward_due_idx")]

    def __str__(self) -> str:
        return f"{self.idempotency_key} {self.status}"
