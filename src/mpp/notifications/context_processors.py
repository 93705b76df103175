from __future__ import annotations

from mpp.notifications import selectors


def inbox(request) -> dict:
    """``inbox_unread_count`` for the navigation: one query, only when a template shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        if not hasattr(request, "inbox_unread_count"):
            request.inbox_unread_count = selectors.unread_count(user)
        return request.inbox_unread_count

    return {"inbox_unread_count": count}
