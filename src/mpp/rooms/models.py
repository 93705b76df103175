"""Rooms an MPP lends to communities (peminjaman ruang) and the bookings of them.

No double booking is a rule of the database: an approved booking holds one :class:`RoomSlot` row
per half hour it occupies, unique per room and start, inserted in the approval's transaction. Two
managers approving overlapping requests at the same moment both insert the same (room, start): one
insert waits for the other's commit and then fails, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mpp.deadlines.models import ClockedModel
from mpp.fields import user_reference
from mpp.rooms.workflow import APPROVED_STATES, ROOM_BOOKING, STATUS_LABELS
from mpp.tenancy.scope import Scope
from mpp.workflows.models import WorkflowModel

# The grain of a booking: it starts and ends on a half hour, and holds one slot row per half hour.
SLOT = datetime.timedelta(minutes=30)


class Room(models.Model):
    """A bookable space of an MPP (hall, meeting room, exhibition corner). Its hours are the MPP's
    opening hours on the days the region's calendar lets the MPP open (``regions.calendar``)."""

    class Kind(models.TextChoices):
        HALL = "hall", _("Aula")
        MEETING_ROOM = "meeting_room", _("Ruang rapat")
        EXHIBITION_CORNER = "exhibition_corner", _("Pojok pameran")
        OTHER = "other", _("Ruang lain")

    mpp = models.ForeignKey("tenancy.MPP", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("nama ruang"), max_length=150)
    kind = models.CharField(_("jenis ruang"), max_length=20, choices=Kind.choices)
    capacity = models.PositiveIntegerField(_("kapasitas (orang)"))
    facilities = models.TextField(_("fasilitas"), blank=True)
    house_rules = models.TextField(_("tata tertib"), blank=True)
    is_active = models.BooleanField(_("dapat dipinjam"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["mpp_id", "name", "id"]
        verbose_name = _("ruang")
        verbose_name_plural = _("ruang")
        constraints = [
            models.UniqueConstraint(fields=["mpp", "name"], name="rooms_room_name_once"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="rooms_room_capacity"),
        ]

    def __str__(self) -> str:
        return self.name

    def policy_scope(self) -> Scope:
        return self.mpp.policy_scope()

    def facility_lines(self) -> list[str]:
        return [line.strip() for line in self.facilities.splitlines() if line.strip()]


class Booking(WorkflowModel, ClockedModel):
    """A request for a room at a time, by a signed-in person acting for a named group.

    The clock (``due_at``) is the manager's decision: it starts with the request and stops with
    the decision or the withdrawal; the one deadline sweep flags it and escalates it once
    (``escalated_at``).
    """

    workflow = ROOM_BOOKING

    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="+")
    mpp = models.ForeignKey("tenancy.MPP", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    requester = user_reference(_("pemohon"))
    group_name = models.CharField(_("nama komunitas atau lembaga"), max_length=200)
    title = models.CharField(_("nama kegiatan"), max_length=200)
    purpose = models.TextField(_("tujuan kegiatan"))
    attendance = models.PositiveIntegerField(_("perkiraan jumlah peserta"))
    is_public = models.BooleanField(_("kegiatan terbuka untuk umum"), default=False)
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    requested_at = models.DateTimeField(_("diajukan pada"), default=timezone.now)
    conditions = models.TextField(_("syarat dari pengelola"), blank=True)
    decision_reason = models.TextField(_("alasan penolakan"), blank=True)
    cancel_reason = models.TextField(_("alasan pembatalan"), blank=True)
    cancelled_by_manager = models.BooleanField(default=False)
    escalated_at = models.DateTimeField(_("keterlambatan dilaporkan pada"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("peminjaman ruang")
        verbose_name_plural = _("peminjaman ruang")
        indexes = [
            models.Index(fields=["mpp", "status", "starts_at"], name="rooms_booking_mpp_status"),
            models.Index(fields=["room", "starts_at"], name="rooms_booking_room_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="rooms_booking_order"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def policy_scope(self) -> Scope:
        return Scope(region_codes=frozenset({self.region_id}), mpp_ids=frozenset({self.mpp_id}))

    def clock_region(self):
        return self.region_id

    @property
    def is_approved(self) -> bool:
        return self.status in APPROVED_STATES

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])


class RoomSlot(models.Model):
    """Half an hour of a room held by an approved booking: the unique key is the no-double-booking
    rule. Written only by ``services.approve``/``approve_with_conditions``; deleted with the
    booking's cancellation."""

    room = models.ForeignKey(Room, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="slots")

    class Meta:
        ordering = ["room_id", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["room", "starts_at"], name="rooms_slot_once"),
        ]

    def __str__(self) -> str:
        return f"{self.room_id} {self.starts_at.isoformat()}"
