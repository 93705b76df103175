"""Errors the engine raises; each carries a message in Indonesian that can be shown as is."""

from __future__ import annotations

from django.utils.translation import gettext as _


class WorkflowError(Exception):
    """Base class: the action was refused and nothing changed. ``code`` is stable for clients."""

    code = "workflow_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ActionNotAllowed(WorkflowError):
    """The action does not exist, is not allowed from the current status, or not for this actor."""

    code = "action_not_allowed"


class ActorNotAllowed(ActionNotAllowed):
    """The action exists from the current status, but none of the caller's actor kinds may take
    it: a refusal by the policy (HTTP 403), not a state that changed under the caller (409)."""


def refusal_status(error: WorkflowError, otherwise: int = 409) -> int:
    """The HTTP status of a refusal: 403 when the caller's role may not take the action (the
    policy said no), else ``otherwise`` (409: the object's state does not allow it now)."""
    return 403 if isinstance(error, ActorNotAllowed) else otherwise


class NoteRequired(WorkflowError):
    code = "note_required"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message or _("Tindakan ini memerlukan catatan atau alasan. Isi alasannya.")
        )


class StaleVersion(WorkflowError):
    """Somebody else changed the object since the caller loaded it (HTTP 409 in the API)."""

    code = "stale_version"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or _(
                "Data ini baru saja diubah oleh orang lain. Muat ulang halaman, periksa "
                "perubahannya, lalu coba lagi."
            )
        )
