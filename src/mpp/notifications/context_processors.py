from __future__ import annotations

from collections.abc import Callable

from mpp.accounts.requests import AuthenticatedRequest
from mpp.notifications import selectors


class InboxRequest(AuthenticatedRequest):
    # The inbox page sets it from its own count, so the navigation's badge asks no second time.
    inbox_unread_count: int


def inbox(request: InboxRequest) -> dict[str, Callable[[], int]]:
    """``inbox_unread_count`` for the navigation: one query, only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        if not hasattr(request, "inbox_unread_count"):
            request.inbox_unread_count = selectors.unread_count(user)
        return request.inbox_unread_count

    return {"inbox_unread_count": count}
