"""How the API knows its caller: a bearer token, and the request an operation behind it gets."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from mpp.accounts.models import User
from mpp.accounts.services import user_for_request_token


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>`` with a token issued by ``POST /api/v1/auth/token``."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = user_for_request_token(request, token)
        if user is None:
            return None
        request.user = user
        return user


class BearerRequest(HttpRequest):
    """The request of an operation behind :data:`bearer`, for the type checker: ninja sets
    ``auth`` to what :class:`BearerToken` answered and the token's user is ``user`` too."""

    auth: User
    user: User


bearer = BearerToken()
