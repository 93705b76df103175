"""The queue of an MPP: counters, per-service quotas and the tickets themselves.

A :class:`Ticket` is both an online booking (``channel=online``, status ``booked`` until the citizen
checks in) and a walk-in number (``channel=walk_in``, born ``waiting``). Quotas are kept honest by
counter rows (:class:`SlotCount`, :class:`DayCount`) that every booking and every walk-in locks
(``SELECT ... FOR UPDATE``) before it counts; see docs/queue.md.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mpp.queueing.workflow import ACTIVE, QUEUE_ASSISTANCE, QUEUE_TICKET
from mpp.tenancy.scope import Scope
from mpp.workflows.models import WorkflowModel


class QueueRules(models.Model):
    """An MPP's rules for its queue: the no-show rule and the check-in grace period."""

    mpp = models.OneToOneField("tenancy.MPP", on_delete=models.CASCADE, related_name="queue_rules")
    no_show_limit = models.PositiveSmallIntegerField(
        _("batas ketidakhadiran"),
        default=0,
        help_text=_(
            "Jumlah ketidakhadiran yang menangguhkan pemesanan daring; 0 berarti tidak aktif."
        ),
    )
    no_show_days = models.PositiveSmallIntegerField(
        _("dalam berapa hari"), default=30, help_text=_("Jangka waktu penghitungan ketidakhadiran.")
    )
    grace_minutes = models.PositiveSmallIntegerField(
        _("toleransi keterlambatan (menit)"),
        default=15,
        help_text=_("Pemesan yang datang lebih lambat dari ini masuk antrean langsung."),
    )
    booking_days_ahead = models.PositiveSmallIntegerField(
        _("pemesanan paling jauh (hari)"), default=14
    )
    max_services = models.PositiveSmallIntegerField(
        _("layanan per nomor antrean"),
        default=3,
        help_text=_("Berapa layanan paling banyak yang dapat diurus dengan satu nomor antrean."),
    )

    class Meta:
        verbose_name = _("aturan antrean")
        verbose_name_plural = _("aturan antrean")

    def __str__(self) -> str:
        return f"{self.mpp_id}"

    def policy_scope(self) -> Scope:
        return self.mpp.policy_scope()


class ServiceQueue(models.Model):
    """How one service of an agency at an MPP is queued: slots and the two separate quotas."""

    service = models.OneToOneField(
        "catalog.Service", on_delete=models.CASCADE, related_name="queue"
    )
    mpp = models.ForeignKey("tenancy.MPP", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    prefix = models.CharField(
        _("huruf antrean"), max_length=2, help_text=_("Awalan nomor, misalnya A untuk A-012.")
    )
    slot_minutes = models.PositiveSmallIntegerField(_("lama slot (menit)"), default=30)
    online_per_slot = models.PositiveSmallIntegerField(_("kuota daring per slot"), default=4)
    walk_in_per_slot = models.PositiveSmallIntegerField(_("kuota langsung per slot"), default=4)
    online_per_day = models.PositiveSmallIntegerField(_("kuota daring per hari"), default=50)
    walk_in_per_day = models.PositiveSmallIntegerField(_("kuota langsung per hari"), default=50)
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["mpp_id", "prefix"]
        constraints = [
            models.CheckConstraint(condition=Q(slot_minutes__gte=5), name="queue_slot_min_length"),
            models.UniqueConstraint(fields=["mpp", "prefix"], name="queue_prefix_unique_per_mpp"),
        ]
        verbose_name = _("pengaturan antrean layanan")
        verbose_name_plural = _("pengaturan antrean layanan")

    def __str__(self) -> str:
        return f"{self.prefix} {self.service}"

    def policy_scope(self) -> Scope:
        return Scope.at(self.mpp, self.agency_id)


class Counter(models.Model):
    """A loket of an agency at an MPP and the services it serves."""

    mpp = models.ForeignKey("tenancy.MPP", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.CASCADE, related_name="+")
    number = models.PositiveSmallIntegerField(_("nomor loket"))
    name = models.CharField(_("nama"), max_length=100, blank=True)
    queues = models.ManyToManyField(
        ServiceQueue, related_name="counters", verbose_name=_("layanan")
    )
    is_active = models.BooleanField(_("aktif"), default=True)

    class Meta:
        ordering = ["mpp_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["mpp", "number"], name="queue_counter_number_unique")
        ]
        verbose_name = _("loket")
        verbose_name_plural = _("loket")

    def __str__(self) -> str:
        return f"Loket {self.number}"

    def policy_scope(self) -> Scope:
        return Scope.at(self.mpp, self.agency_id)


class SlotCount(models.Model):
    """How many places of one slot are taken, per channel: the row every booking locks."""

    queue = models.ForeignKey(ServiceQueue, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    starts = models.TimeField()
    online = models.PositiveIntegerField(default=0)
    walk_in = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["queue", "date", "starts"], name="queue_slot_once")
        ]

    def __str__(self) -> str:
        return f"{self.queue_id} {self.date} {self.starts}"


class DayCount(models.Model):
    """One service's day: places taken per channel and the last ticket number given."""

    queue = models.ForeignKey(ServiceQueue, on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    online = models.PositiveIntegerField(default=0)
    walk_in = models.PositiveIntegerField(default=0)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["queue", "date"], name="queue_day_once")]

    def __str__(self) -> str:
        return f"{self.queue_id} {self.date}"


class Channel(models.TextChoices):
    ONLINE = "online", _("Daring")
    WALK_IN = "walk_in", _("Datang langsung")


class PriorityGroup(models.TextChoices):
    NONE = "", _("Bukan prioritas")
    ELDERLY = "lansia", _("Lanjut usia")
    DISABILITY = "disabilitas", _("Penyandang disabilitas")
    PREGNANT = "ibu_hamil", _("Ibu hamil")
    INFANT = "bayi", _("Orang tua dengan bayi")


class Lane(models.IntegerChoices):
    """The order of the line after priority: checked-in bookings (by slot), then walk-ins."""

    BOOKED = 0, _("Pemesan daring")
    WALK_IN = 1, _("Datang langsung")


class Ticket(WorkflowModel):
    workflow = QUEUE_TICKET

    mpp = models.ForeignKey("tenancy.MPP", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    queue = models.ForeignKey(ServiceQueue, on_delete=models.PROTECT, related_name="tickets")
    channel = models.CharField(_("saluran"), max_length=10, choices=Channel.choices)
    priority_group = models.CharField(
        _("kelompok prioritas"), max_length=20, choices=PriorityGroup.choices, blank=True
    )
    date = models.DateField(_("tanggal"))
    number = models.PositiveIntegerField(_("nomor"))
    code = models.CharField(_("nomor antrean"), max_length=10)
    slot_starts = models.TimeField(_("slot mulai"), null=True, blank=True)
    slot_ends = models.TimeField(_("slot selesai"), null=True, blank=True)
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    booking_code = models.CharField(_("kode pemesanan"), max_length=12, unique=True)
    token = models.CharField(max_length=43, unique=True, editable=False)
    # The queue kiosk (a ``devices.Device``) that printed a walk-in number.
    kiosk = models.ForeignKey(
        "devices.Device", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    priority = models.BooleanField(_("prioritas"), default=False)
    # Set when an officer transfers the ticket to one counter: only that counter calls it then.
    for_counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The line: priority first, then the lane, then line_at (slot start or ticket time).
    lane = models.PositiveSmallIntegerField(choices=Lane.choices, default=Lane.WALK_IN)
    line_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    called_at = models.DateTimeField(null=True, blank=True)
    call_count = models.PositiveSmallIntegerField(default=0)
    serving_started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The application filed at the counter during the visit: its tracking number, stored as text
    # (queueing may not import cases; see docs/queue.md).
    application_ref = models.CharField(_("nomor permohonan"), max_length=40, blank=True)
    reminded_day_at = models.DateTimeField(null=True, blank=True)
    reminded_hour_at = models.DateTimeField(null=True, blank=True)
    # A visit of several services (issue 28): which of them the ticket stands in now (1-based), how
    # many there are, and the one after this (so the console, the ticket page and the hall display
    # say where to go next without another query). The plan and the finished ones: ``TicketLeg``.
    leg = models.PositiveSmallIntegerField(_("layanan ke-"), default=1)
    legs = models.PositiveSmallIntegerField(_("jumlah layanan"), default=1)
    next_queue = models.ForeignKey(
        ServiceQueue, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What the visitor wrote about the help they asked for (``AssistanceRequest``): personal data,
    # shown only to staff of the MPP, never logged (docs/queue.md, "Pendampingan").
    assistance_note = models.CharField(_("catatan pendampingan"), max_length=300, blank=True)

    class Meta:
        ordering = ["date", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["citizen", "service", "date"],
                condition=Q(channel="online", status__in=ACTIVE),
                name="queue_one_active_booking_per_day",
            ),
            models.UniqueConstraint(fields=["mpp", "date", "code"], name="queue_code_once_a_day"),
        ]
        indexes = [
            # The calling order of an MPP's whole line: call-next walks it and stops at the first
            # ticket of the counter's services (docs/queue.md, bench/queueing.py).
            models.Index(
                fields=["mpp", "date", "-priority", "lane", "line_at", "id"],
                condition=Q(status="waiting"),
                name="queue_waiting_line",
            ),
            models.Index(fields=["mpp", "date", "status"], name="queue_mpp_day_status"),
            models.Index(fields=["citizen", "date"], name="queue_citizen_day"),
        ]
        verbose_name = _("tiket antrean")
        verbose_name_plural = _("tiket antrean")

    def __str__(self) -> str:
        return self.code

    def policy_scope(self) -> Scope:
        return Scope.at(self.mpp, self.agency_id)

    def skm_subject(self) -> dict:
        """Who and what the satisfaction survey asks about once the visit is ``served``."""
        return {
            "citizen": self.citizen,
            "region_id": self.mpp.region_id,
            "mpp_id": self.mpp_id,
            "agency_id": self.agency_id,
            "service_id": self.service_id,
            "officer_id": self.officer_id,
            "finished_at": self.finished_at,
        }

    def slot_moment(self, zone) -> datetime.datetime | None:
        if self.slot_starts is None:
            return None
        return datetime.datetime.combine(self.date, self.slot_starts, tzinfo=zone)


class TicketLeg(models.Model):
    """One service of a visit of several services, in the visitor's order (issue 28).

    Written for every service of such a ticket when it is taken (the plan); a leg the ticket moves
    on from keeps its times, counter and officer here (``finished_at`` set), while the ticket row
    carries the times of the service it stands in now, and of the last one once served.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="ticket_legs")
    position = models.PositiveSmallIntegerField()
    queue = models.ForeignKey(ServiceQueue, on_delete=models.PROTECT, related_name="+")
    joined_at = models.DateTimeField(null=True, blank=True)
    called_at = models.DateTimeField(null=True, blank=True)
    serving_started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    application_ref = models.CharField(_("nomor permohonan"), max_length=40, blank=True)

    class Meta:
        ordering = ["ticket_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "position"], name="queue_leg_once"),
        ]
        verbose_name = _("layanan dalam kunjungan")
        verbose_name_plural = _("layanan dalam kunjungan")

    def __str__(self) -> str:
        return f"{self.ticket_id}/{self.position}"


class CallEvent(models.Model):
    """A call shown on the hall display (a call or a recall of a ticket to a counter)."""

    mpp = models.ForeignKey("tenancy.MPP", on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=10)
    at = models.DateTimeField()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["mpp", "-id"], name="queue_call_recent")]

    def __str__(self) -> str:
        return f"{self.code} → {self.counter_id}"


class AssistanceKind(models.TextChoices):
    """The help a visitor may ask for with a ticket (docs/queue.md, "Pendampingan")."""

    WHEELCHAIR = "kursi_roda", _("Kursi roda")
    SIGN_LANGUAGE = "juru_bahasa_isyarat", _("Juru bahasa isyarat")
    FORMS = "bantuan_formulir", _("Bantuan membaca atau mengisi formulir")
    QUIET_ROOM = "ruang_tenang", _("Ruang tenang")
    ELDERLY_COMPANION = "pendamping_lansia", _("Pendamping untuk lanjut usia")


class AssistanceRequest(WorkflowModel):
    """One kind of help asked for with a ticket: ``open`` until the staff meet it (``met``) or
    say why they cannot (``unmet``, with the reason). The row keeps the day, MPP, agency and
    service it was asked for, so the dashboard's daily facts never move when the ticket does."""

    workflow = QUEUE_ASSISTANCE

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="assistance")
    kind = models.CharField(_("jenis pendampingan"), max_length=30, choices=AssistanceKind.choices)
    mpp = models.ForeignKey("tenancy.MPP", on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("tenancy.Agency", on_delete=models.PROTECT, related_name="+")
    service = models.ForeignKey("catalog.Service", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("tanggal kunjungan"))
    reason = models.CharField(_("alasan"), max_length=300, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ticket_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind"], name="queue_assistance_once")
        ]
        indexes = [models.Index(fields=["mpp", "date", "status"], name="queue_assist_mpp_day")]
        verbose_name = _("permintaan pendampingan")
        verbose_name_plural = _("permintaan pendampingan")

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"

    def policy_scope(self) -> Scope:
        return Scope.at(self.mpp, self.agency_id)
