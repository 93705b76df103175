"""The request a signed-in page receives, for the type checker.

``login_required`` (and the policy's decorators) let only signed-in accounts through, so a view
behind them may read ``request.user`` as a :class:`~mpp.accounts.models.User`; Django's own
``HttpRequest`` says ``User | AnonymousUser``.
"""

from __future__ import annotations

from django.http import HttpRequest

from mpp.accounts.models import User


class AuthenticatedRequest(HttpRequest):
    user: User
