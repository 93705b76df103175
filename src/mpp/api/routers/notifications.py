"""The caller's in-app inbox: list messages, mark them read."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from mpp.api.auth import ApiRequest, BearerToken
from mpp.api.problems import Problem, ProblemOut
from mpp.api.types import Id
from mpp.notifications import selectors, services
from mpp.notifications.models import InboxMessage

router = Router(tags=["pesan"])
bearer = BearerToken()


class MessageOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    link: str = Field(
        description="Tautan relatif di situs (tanpa data pribadi); kosong bila tidak ada"
    )
    created_at: datetime.datetime
    read_at: datetime.datetime | None
    is_read: bool


class MessagePage(Schema):
    count: int = Field(description="Jumlah pesan (sesuai filter)")
    unread: int = Field(description="Jumlah semua pesan yang belum dibaca")
    page: int
    pages: int
    items: list[MessageOut]


class MessageFilter(Schema):
    page: int = Field(default=1, ge=1, le=100_000)
    unread: bool = Field(default=False, description="Hanya pesan yang belum dibaca")


def _out(message: InboxMessage) -> dict[str, Any]:
    return {
        "id": message.pk,
        "kind": message.kind,
        "subject": message.subject,
        "body": message.body,
        "link": message.link,
        "created_at": message.created_at,
        "read_at": message.read_at,
        "is_read": message.is_read,
    }


@router.get(
    "/me/messages",
    auth=bearer,
    response={200: MessagePage, 401: ProblemOut, 404: ProblemOut, 422: ProblemOut},
    summary="Pesan di kotak pesan pemanggil, terbaru dahulu",
)
def list_messages(request: ApiRequest, filters: Query[MessageFilter]) -> dict[str, Any]:
    user = request.auth
    summary = selectors.inbox_summary(user)
    messages = selectors.inbox_of(user)
    count = summary.total
    if filters.unread:
        messages = messages.filter(read_at__isnull=True)
        count = summary.unread
    pages = max(1, -(-count // selectors.INBOX_PAGE_SIZE))
    if filters.page > pages:
        raise Problem(
            404,
            _("Halaman tidak ditemukan."),
            _("Halaman terakhir adalah %(pages)s.") % {"pages": pages},
        )
    start = (filters.page - 1) * selectors.INBOX_PAGE_SIZE
    items = list(messages[start : start + selectors.INBOX_PAGE_SIZE])
    return {
        "count": count,
        "unread": summary.unread,
        "page": filters.page,
        "pages": pages,
        "items": [_out(message) for message in items],
    }


@router.post(
    "/me/messages/{message_id}/read",
    auth=bearer,
    response={200: MessageOut, 401: ProblemOut, 404: ProblemOut},
    summary="Menandai satu pesan sudah dibaca",
)
def read_message(request: ApiRequest, message_id: Id) -> dict[str, Any]:
    message = services.mark_read(selectors.message_of(request.auth, message_id))
    return _out(message)
