"""Reads of the notifications app, already scoped to the person asking."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from mpp.accounts.models import User
from mpp.notifications.models import InboxMessage, NotificationPreference

INBOX_PAGE_SIZE = 20


def preference_for(user: User) -> NotificationPreference:
    """The person's saved preferences, or the defaults (unsaved) when they never chose."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(
        user=user
    )


def inbox_of(user: User) -> QuerySet[InboxMessage]:
    """Only the person's own messages, newest first."""
    return InboxMessage.objects.filter(recipient=user).order_by("-created_at", "-id")


INBOX_ORDER = ("-created_at", "-id")


def inbox_for_api(user: User, *, unread_only: bool = False) -> QuerySet[InboxMessage]:
    messages = inbox_of(user)
    return messages.filter(read_at__isnull=True) if unread_only else messages


@dataclass(frozen=True)
class InboxSummary:
    total: int
    unread: int


def inbox_summary(user: User) -> InboxSummary:
    """Number of messages and unread messages, in one query."""
    counts = InboxMessage.objects.filter(recipient=user).aggregate(
        total=Count("id"), unread=Count("id", filter=Q(read_at__isnull=True))
    )
    return InboxSummary(total=counts["total"], unread=counts["unread"])


# The navigation's unread badge is kept in the cache this long at most; a message delivered, read or
# deleted clears it at once (``services.unread_changed``), so the bound only matters when a worker
# process cannot reach the web processes' cache (local memory in development).
UNREAD_SECONDS = 60


def unread_key(user_id: int) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user: User) -> int:
    """Unread messages in the person's inbox, from the cache when counted recently (one query on a
    miss): the navigation of every signed-in page shows it."""
    key = unread_key(user.pk)
    count: int | None = cache.get(key)
    if count is None:
        count = InboxMessage.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, count, UNREAD_SECONDS)
    return count


class _CountedPaginator(Paginator[InboxMessage]):
    """A paginator told its count up front, so a page costs one query (the slice)."""

    def __init__(self, object_list: QuerySet[InboxMessage], per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


def inbox_page(user: User, number: str | None, *, summary: InboxSummary) -> Page[InboxMessage]:
    """One page of the inbox; ``number`` comes from the query string (bad values give page 1 or the last)."""
    paginator = _CountedPaginator(inbox_of(user), INBOX_PAGE_SIZE, count=summary.total)
    return paginator.get_page(number)


def message_of(user: User, message_id: int) -> InboxMessage:
    """A message of ``user``; anyone else's id is answered with 404, as if it did not exist."""
    return get_object_or_404(inbox_of(user), pk=message_id)
