"""The caller's in-app inbox: list messages, mark them read."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from ninja import Query, Router, Schema
from pydantic import Field

from mpp.api.auth import BearerRequest, bearer
from mpp.api.paging import PageOut, PageParams, queryset_page
from mpp.api.problems import ProblemOut
from mpp.api.types import Id
from mpp.notifications import selectors, services
from mpp.notifications.models import InboxMessage

router = Router(tags=["pesan"])


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
def list_messages(
    request: BearerRequest, response: HttpResponse, filters: Query[MessageFilter]
) -> MessagePage:
    summary = selectors.inbox_summary(request.auth)
    return queryset_page(
        MessagePage,
        request,
        selectors.inbox_for_api(request.auth, unread_only=filters.unread),
        filters,
        order=selectors.INBOX_ORDER,
        response=response,
        extra={
            "count": summary.unread if filters.unread else summary.total,
            "unread": summary.unread,
        },
    )


@router.post(
    "/me/messages/{message_id}/read",
    auth=bearer,
    response={200: MessageOut, 401: ProblemOut, 404: ProblemOut},
    summary="Menandai satu pesan sudah dibaca",
)
def read_message(request: BearerRequest, message_id: Id) -> InboxMessage:
    return services.mark_read(selectors.message_of(request.auth, message_id))
