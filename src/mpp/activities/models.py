"""An MPP's programme of activities (kegiatan) and the seats citizens take in them.

An activity belongs to one MPP (and, when an agency runs it, to that agency: the agency's admin
manages it). Times are stored in UTC and shown in the MPP's zone (WIB, WITA or WIT). A
registration is a workflow object (``workflow.ACTIVITY_REGISTRATION``) with a clock whose
``due_at`` is the moment of the reminder of the day before (``services.reminder_due``): the one
deadline sweep flags it and this app's step sends the reminder.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mpp.deadlines.models import ClockedModel
from mpp.fields import optional_link, user_reference
from mpp.regions.models import Region
from mpp.tenancy.models import MPP, Agency
from mpp.tenancy.scope import Scope
from mpp.workflows.models import WorkflowModel

from . import workflow


class Category(models.TextChoices):
    EDUCATION = "edukasi", _("Edukasi")
    SMALL_BUSINESS = "umkm", _("UMKM")
    HEALTH = "kesehatan", _("Kesehatan")
    CULTURE = "budaya", _("Budaya")
    MOBILE_SERVICE = "layanan_keliling", _("Layanan keliling")
    COMMUNITY = "komunitas", _("Pertemuan warga")
    OTHER = "lainnya", _("Lainnya")


class Activity(models.Model):
    mpp = models.ForeignKey(MPP, on_delete=models.PROTECT, related_name="+")
    # The agency that runs it, when it is an agency's own activity (its admin manages it).
    agency = optional_link(Agency)
    title = models.CharField(_("judul"), max_length=200)
    description = models.TextField(_("keterangan"))
    organiser = models.CharField(_("penyelenggara"), max_length=200)
    category = models.CharField(_("kategori"), max_length=20, choices=Category.choices)
    place = models.CharField(_("tempat di MPP"), max_length=200)
    starts_at = models.DateTimeField(_("mulai"))
    ends_at = models.DateTimeField(_("selesai"))
    capacity = models.PositiveIntegerField(_("kapasitas"))
    registration_required = models.BooleanField(_("perlu mendaftar"), default=True)
    accessibility = models.TextField(_("catatan aksesibilitas"), blank=True)
    cancelled_at = models.DateTimeField(_("dibatalkan pada"), null=True, blank=True)
    created_by = user_reference()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Grows with every edit: the iCalendar SEQUENCE, so calendars replace the old copy.
    sequence = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["starts_at", "id"], name="activity_start"),
            models.Index(fields=["mpp", "starts_at"], name="activity_mpp_start"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start"
            )
        ]
        verbose_name = _("kegiatan")
        verbose_name_plural = _("kegiatan")

    def __str__(self) -> str:
        return self.title

    def policy_scope(self) -> Scope:
        return Scope(
            region_codes=frozenset({self.mpp.region_id}),
            mpp_ids=frozenset({self.mpp_id}),
            agency_id=self.agency_id,
        )

    @property
    def region(self) -> Region:
        return self.mpp.region

    @property
    def tz(self) -> str:
        return self.mpp.region.timezone

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None


class Registration(WorkflowModel, ClockedModel):
    """A seat (or a place on the waiting list) at an activity, for an account or a guest.

    The ticket's link (in the QR code and the messages) is derived from the number with a keyed
    hash, so nothing secret is stored and every message can carry it."""

    workflow = workflow.ACTIVITY_REGISTRATION

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="registrations")
    user = user_reference()
    # A guest's confirmed email address or phone number (empty for an account holder).
    guest_address = models.CharField(max_length=254, blank=True)
    # The language the guest registered in: their messages are written in it.
    language = models.CharField(max_length=8, default="id")
    # Shown on the ticket and read aloud at the door; not a secret (the ticket link adds a keyed
    # hash of it: ``tickets.ticket_code``).
    number = models.CharField(_("nomor tiket"), max_length=12, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    attended_at = models.DateTimeField(null=True, blank=True)
    # The short satisfaction question after the activity (1–4), once.
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["activity", "status", "created_at"], name="reg_queue")]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "user"],
                condition=Q(user__isnull=False) & ~Q(status=workflow.CANCELLED),
                name="registration_once_per_account",
            ),
            models.UniqueConstraint(
                fields=["activity", "guest_address"],
                condition=~Q(guest_address="") & ~Q(status=workflow.CANCELLED),
                name="registration_once_per_guest",
            ),
        ]
        verbose_name = _("pendaftaran kegiatan")
        verbose_name_plural = _("pendaftaran kegiatan")

    def __str__(self) -> str:
        return self.number

    def policy_scope(self) -> Scope:
        return self.activity.policy_scope()

    def history_place(self) -> tuple[str | None, int | None, int | None]:
        activity = self.activity
        return activity.mpp.region_id, activity.mpp_id, activity.agency_id

    def clock_region(self) -> Region:
        return self.activity.mpp.region

    @property
    def status_label(self) -> str:
        return str(workflow.STATUS_LABELS.get(self.status, self.status))
