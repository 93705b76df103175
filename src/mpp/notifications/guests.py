"""The guest's one-time code step of a public page, shared by every process that takes guests.

A page shows two small forms: the contact (send a code) and the code (confirm it). The step keeps
the pending confirmation's id in the session under ``<session_key>_pending`` and, once the code
is right, the confirmed one under ``session_key``; the process reads it back with
:func:`guest_of` and spends it in its own write (``contacts.lock_unused`` and ``contacts.use``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.functional import Promise

from mpp.notifications import contacts
from mpp.notifications.forms import GuestCodeForm, GuestContactForm
from mpp.notifications.models import GuestConfirmation

SENT = "sent"
CONFIRMED = "confirmed"


@dataclass
class GuestStep:
    contact_form: GuestContactForm
    code_form: GuestCodeForm
    pending: bool
    # "" (show the forms), SENT (a code went out: redirect to the page) or CONFIRMED (go on).
    outcome: str = ""


def guest_step(request: HttpRequest, *, session_key: str, purpose: str | Promise) -> GuestStep:
    pending_key = f"{session_key}_pending"
    pending = request.session.get(pending_key)
    posted = request.method == "POST"
    contact_form = GuestContactForm(request.POST if posted and "address" in request.POST else None)
    code_form = GuestCodeForm(request.POST if posted and "code" in request.POST else None)
    if contact_form.is_bound and contact_form.is_valid():
        try:
            confirmation = contacts.send_guest_code(
                contact_form.cleaned_data["address"], purpose=purpose
            )
        except contacts.ContactCodeError as error:
            error.apply_to(contact_form)
        else:
            request.session[pending_key] = confirmation.pk
            return GuestStep(contact_form, code_form, True, SENT)
    if code_form.is_bound and isinstance(pending, int) and code_form.is_valid():
        try:
            # No transaction here: the service commits a wrong try's count before it raises.
            confirmation = contacts.confirm_guest_code(pending, code_form.cleaned_data["code"])
        except contacts.ContactCodeError as error:
            error.apply_to(code_form)
        else:
            request.session[session_key] = confirmation.pk
            request.session.pop(pending_key, None)
            return GuestStep(contact_form, code_form, False, CONFIRMED)
    return GuestStep(contact_form, code_form, bool(pending))


def guest_of(request: HttpRequest, session_key: str) -> GuestConfirmation | None:
    """The guest's confirmed, unused contact kept in the session, or None."""
    return contacts.confirmed_guest(request.session.get(session_key))
