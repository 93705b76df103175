"""The caller's in-app inbox: list messages, mark them read."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from mpp.api.auth import BearerToken
from mpp.api.paging import PageOut, PageParams, queryset_page
from mpp.api.problems import ProblemOut
from mpp.api.types import Id
from mpp.notifications import selectors, services

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


class MessagePage(PageOut):
    count: int = Field(description="Jumlah pesan (sesuai filter)")
    unread: int = Field(description="Jumlah semua pesan yang belum dibaca")
    items: list[MessageOut]


class MessageFilter(PageParams):
    unread: bool = Field(default=False, description="Hanya pesan yang belum dibaca")


@router.get(
    "/me/messages",
    auth=bearer,
    response={200: MessagePage, 400: ProblemOut, 401: ProblemOut, 422: ProblemOut},
    summary="Pesan di kotak pesan pemanggil, terbaru dahulu",
)
def list_messages(request, response: HttpResponse, filters: Query[MessageFilter]):
    summary = selectors.inbox_summary(request.auth)
    page = queryset_page(
        request,
        selectors.inbox_for_api(request.auth, unread_only=filters.unread),
        filters,
        order=selectors.INBOX_ORDER,
        response=response,
    )
    count = summary.unread if filters.unread else summary.total
    return MessagePage(**page, count=count, unread=summary.unread)


@router.post(
    "/me/messages/{message_id}/read",
    auth=bearer,
    response={200: MessageOut, 401: ProblemOut, 404: ProblemOut},
    summary="Menandai satu pesan sudah dibaca",
)
def read_message(request, message_id: Id):
    return services.mark_read(selectors.message_of(request.auth, message_id))
