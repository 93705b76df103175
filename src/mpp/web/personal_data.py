"""Everything held about one person, for their data export (UU 27/2022).

It lives in the top layer because it reads every app that holds the person's data; a new process
adds its part here. Both exports (the readable page and the JSON file) are built from one
:func:`sections` list, so they hold the same data with the same labels: answers under their
questions, statuses as words, uploads by their file name, never a stored key (issue 23: the export
showed raw keys and a blank status and left out complaints, queue bookings and messages).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from mpp.accounts.models import User
from mpp.accounts.selectors import access_groups
from mpp.audit.models import AccessKind
from mpp.audit.selectors import access_log_of
from mpp.cases.models import Application, ApplicationChannel
from mpp.catalog.document_template import long_date
from mpp.complaints.models import Channel as ComplaintChannel
from mpp.complaints.models import Complaint
from mpp.complaints.models import Kind as ComplaintKind
from mpp.complaints.workflow import STATUS_LABELS as COMPLAINT_STATUS
from mpp.notifications.models import InboxMessage
from mpp.queueing.models import Channel as QueueChannel
from mpp.queueing.models import Ticket
from mpp.queueing.workflow import STATUS_LABELS as TICKET_STATUS
from mpp.regions.formatting import format_datetime


@dataclass
class Item:
    """One thing held (an application, a booking…): a title and labelled values."""

    title: str
    rows: list[tuple[str, Any]] = field(default_factory=list)


@dataclass
class Section:
    key: str  # the JSON key
    title: str
    items: list[Item]
    empty: str


def _when(value: datetime.datetime | None) -> str:
    return format_datetime(value) if value else ""


def _answer(item, value, files: dict[str, str]) -> str:
    if item.type == "file":
        return files.get(str(value), _("Berkas terunggah"))
    if item.type == "choice":
        return item.choice_labels().get(value, str(value))
    if item.type == "multiple_choice":
        labels = item.choice_labels()
        return ", ".join(labels.get(v, str(v)) for v in value or [])
    if item.type == "date":
        return long_date(value)
    return str(value)


def _applications(user: User) -> list[Item]:
    rows = (
        Application.objects.filter(applicant=user)
        .select_related("service_version")
        .prefetch_related("documents")
        .order_by("created_at", "id")
    )
    items = []
    for application in rows:
        version = application.service_version
        files = {
            str(d.pk): d.original_name or _("Berkas terunggah") for d in application.documents.all()
        }
        item = Item(
            f"{application.tracking_number} — {version.name}",
            [
                (_("Status"), application.status_label),
                (_("Saluran"), ApplicationChannel(application.channel).label),
                (_("Dibuat"), _when(application.created_at)),
                (_("Diajukan"), _when(application.submitted_at)),
            ],
        )
        for question in version.form.fields:
            value = (application.data or {}).get(question.name)
            if value not in (None, "", []):
                item.rows.append((question.label, _answer(question, value, files)))
        items.append(item)
    return items


def _complaints(user: User) -> list[Item]:
    rows = Complaint.objects.filter(reporter=user).select_related("mpp").order_by("submitted_at")
    return [
        Item(
            f"{c.tracking_number} — {c.title}",
            [
                (_("Jenis"), ComplaintKind(c.kind).label),
                (_("Status"), str(COMPLAINT_STATUS.get(c.status, ""))),
                (_("MPP"), c.mpp.name),
                (_("Saluran"), ComplaintChannel(c.channel).label),
                (_("Diajukan"), _when(c.submitted_at)),
                (_("Isi"), c.text),
                (_("Alamat lokasi"), c.address),
                (_("Anonim"), _("Ya") if c.is_anonymous else _("Tidak")),
                (_("Rahasia"), _("Ya") if c.is_confidential else _("Tidak")),
                *([(_("Penilaian"), str(c.rating))] if c.rating else []),
                *([(_("Komentar penilaian"), c.rating_comment)] if c.rating_comment else []),
            ],
        )
        for c in rows
    ]


def _bookings(user: User) -> list[Item]:
    rows = (
        Ticket.objects.filter(citizen=user)
        .select_related("mpp", "service")
        .order_by("date", "created_at")
    )
    items = []
    for t in rows:
        slot = ""
        if t.slot_starts and t.slot_ends:
            slot = f"{t.slot_starts:%H.%M}–{t.slot_ends:%H.%M}"
        items.append(
            Item(
                f"{t.code} — {t.service.name}",
                [
                    (_("Status"), str(TICKET_STATUS.get(t.status, ""))),
                    (_("MPP"), t.mpp.name),
                    (_("Tanggal"), long_date(t.date.isoformat())),
                    *([(_("Jam"), slot)] if slot else []),
                    (_("Saluran"), QueueChannel(t.channel).label),
                    (_("Kode pemesanan"), t.booking_code),
                    (_("Dipesan pada"), _when(t.created_at)),
                ],
            )
        )
    return items


def _messages(user: User) -> list[Item]:
    rows = InboxMessage.objects.filter(recipient=user).order_by("created_at")
    return [
        Item(
            m.subject,
            [
                (_("Diterima"), _when(m.created_at)),
                (_("Dibaca"), _when(m.read_at) or _("Belum dibaca")),
                (_("Isi"), m.body),
            ],
        )
        for m in rows
    ]


def _access(user: User) -> list[Item]:
    return [
        Item(
            f"{group.viewer_name} — {group.what}",
            [
                (_("Peran"), group.role),
                (_("Instansi"), group.agency_name),
                (_("Rujukan"), group.reference),
                (_("Tanggal"), long_date(group.day.isoformat())),
                (_("Berapa kali"), str(group.count)),
                (_("Terakhir"), _when(group.last)),
            ],
        )
        for group in access_groups(user, limit=10_000)
    ]


def sections(user: User) -> list[Section]:
    account = Item(
        user.name or user.username,
        [
            (_("Nama pengguna"), user.username),
            (_("Nama"), user.name),
            (_("NIK"), user.nik),
            (_("Tanggal lahir"), long_date(user.birth_date.isoformat()) if user.birth_date else ""),
            (_("Surel"), user.email),
            (_("Telepon"), user.phone),
            (_("Terdaftar sejak"), _when(user.date_joined)),
        ],
    )
    consents = [
        Item(
            _("Versi %(version)s") % {"version": c.notice_version}, [(_("Disetujui"), _when(c.at))]
        )
        for c in user.privacy_consents.all()
    ]
    identities = [
        Item(
            identity.issuer,
            [
                (_("Subjek"), identity.subject),
                (_("Akun dibuat saat masuk"), _("Ya") if identity.created_account else _("Tidak")),
                (_("Ditautkan pada"), _when(identity.linked_at)),
                (_("Terakhir masuk"), _when(identity.last_login_at)),
            ],
        )
        for identity in user.oidc_identities.all()
    ]
    return [
        Section("account", _("Akun"), [account], ""),
        Section("privacy_consents", _("Persetujuan privasi"), consents, _("Belum ada.")),
        Section(
            "identities",
            _("Identitas digital tertaut (INApas)"),
            identities,
            _("Belum ada identitas digital yang tertaut."),
        ),
        Section("applications", _("Permohonan"), _applications(user), _("Belum ada permohonan.")),
        Section(
            "complaints",
            _("Pengaduan dan konsultasi"),
            _complaints(user),
            _("Belum ada pengaduan."),
        ),
        Section(
            "queue_bookings",
            _("Pemesanan antrean"),
            _bookings(user),
            _("Belum ada pemesanan antrean."),
        ),
        Section("messages", _("Pesan di kotak masuk"), _messages(user), _("Belum ada pesan.")),
        Section(
            "access_log",
            _("Siapa yang melihat data saya"),
            _access(user),
            _("Belum ada petugas yang membuka data pribadi Anda."),
        ),
    ]


def data_about(user: User) -> dict:
    """Everything held about ``user`` as JSON-ready values: per section a list of items, each
    with its title and its values under the labels the person reads (the readable page's words)."""
    result: dict[str, Any] = {}
    for section in sections(user):
        result[section.key] = {
            "title": section.title,
            "items": [
                {"title": item.title, "values": {str(label): value for label, value in item.rows}}
                for item in section.items
            ],
        }
    # Every single look, too (the page groups them per day): the record the law gives a right to.
    kinds = dict(AccessKind.choices)
    result["access_records"] = [
        {
            _("Waktu"): _when(r.at),
            _("Instansi"): r.agency_name,
            _("Petugas"): r.viewer_name,
            _("Yang dilihat"): str(kinds.get(r.kind, "")),
            _("Rujukan"): r.reference,
        }
        for r in access_log_of(user)
    ]
    return result


@login_required
def export_json(request):
    response = JsonResponse(
        data_about(request.user), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="data-saya.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_html(request):
    response = render(request, "accounts/data_export.html", {"sections": sections(request.user)})
    response["Cache-Control"] = "private, no-store"
    return response
