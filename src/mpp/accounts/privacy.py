"""The one masking rule: how much of a person (name, NIK, email, phone, address, IP) a viewer sees.

Every page, API answer, export and log view that shows a person asks this module, so the rule is
written once (issue 22, finding 5; the table is in docs/architecture.md, "Personal data by role"):

- the person themself sees everything (``SELF``);
- the staff handling the record for the responsible agency or desk see what they need
  (``HANDLER``: whole);
- oversight roles (MPP manager, regional admin) see a masked identity: initials and the masked NIK,
  no contact details (``OVERSIGHT``: masked);
- everyone else (ministry roles, the public, staff of other units) sees nothing of the person
  (``OTHER``: hidden);
- a record the person asked to keep from view (a confidential or anonymous complaint) is hidden
  from oversight too: only the person and its handlers see who they are.

Which permissions make a viewer the handler or an overseer of a record is the process's knowledge
(passed in by its selectors); the policy table stays the one place of permissions.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from mpp.accounts.nik import mask_nik
from mpp.accounts.policy import Perm, Principal, can
from mpp.tenancy.scope import Scoped


class Relation(StrEnum):
    SELF = "self"
    HANDLER = "handler"
    OVERSIGHT = "oversight"
    OTHER = "other"


class Exposure(StrEnum):
    WHOLE = "whole"
    MASKED = "masked"
    HIDDEN = "hidden"


# The one table: relation → (exposure on an ordinary record, on a record kept from view).
RULE: dict[Relation, tuple[Exposure, Exposure]] = {
    Relation.SELF: (Exposure.WHOLE, Exposure.WHOLE),
    Relation.HANDLER: (Exposure.WHOLE, Exposure.WHOLE),
    Relation.OVERSIGHT: (Exposure.MASKED, Exposure.HIDDEN),
    Relation.OTHER: (Exposure.HIDDEN, Exposure.HIDDEN),
}


def relation(
    viewer: Principal,
    subject: Scoped | None,
    *,
    owner_id: int | None,
    handles: bool,
    oversight: Iterable[Perm] = (),
) -> Relation:
    """The viewer's relation to the person behind ``subject`` (an application, a complaint...).

    ``handles`` is the process's answer to "does this viewer handle this record" (its own
    permissions and state rules); ``oversight`` the permissions that oversee it.
    """
    if owner_id is not None and owner_id == getattr(viewer, "pk", None):
        return Relation.SELF
    if handles:
        return Relation.HANDLER
    if subject is not None and any(can(viewer, perm, subject) for perm in oversight):
        return Relation.OVERSIGHT
    return Relation.OTHER


def exposure(related: Relation, *, withheld: bool = False) -> Exposure:
    """How much of the person the relation sees; ``withheld`` for a confidential or anonymous
    record."""
    ordinary, kept = RULE[related]
    return kept if withheld else ordinary


def initials(name: str) -> str:
    """``Budi Santoso`` → ``B. S.`` (at most three parts)."""
    parts = [part[0].upper() for part in (name or "").split() if part and part[0].isalnum()]
    return " ".join(f"{part}." for part in parts[:3])


def masked_ip(value: str | None) -> str:
    """The network, not the host: ``203.0.113.0/24`` (IPv4) or a /48 (IPv6)."""
    if not value:
        return ""
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def pseudonym(user_id: int) -> str:
    """A stable label for one account that does not reveal who it is (audit views for the
    ministry): the same person gets the same label, and the label cannot be turned back into an
    account id without the secret key."""
    digest = salted_hmac("mpp.accounts.privacy.pseudonym", str(user_id)).hexdigest()
    return digest[:8].upper()


@dataclass(frozen=True)
class Person:
    """What one viewer may see of one person: the fields it may not see are empty."""

    exposure: Exposure
    name: str = ""
    nik: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    hidden_label: str = ""

    @property
    def shown(self) -> bool:
        return self.exposure != Exposure.HIDDEN

    @property
    def label(self) -> str:
        """One line for lists and headers: ``Budi Santoso (2171********0003)``, ``B. S.
        (2171********0003)`` or the hidden label."""
        if not self.shown:
            return self.hidden_label
        if not self.name:
            return self.nik or self.hidden_label
        return f"{self.name} ({self.nik})" if self.nik else self.name

    def __str__(self) -> str:
        return self.label


def person(
    shown_as: Exposure,
    *,
    name: str = "",
    nik: str | None = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    hidden_label: str | None = None,
) -> Person:
    """Apply ``shown_as`` to one person's data. Whole: the name and contacts (the NIK always
    masked, as in every list); masked: initials and the masked NIK; hidden: nothing."""
    hidden = hidden_label if hidden_label is not None else _("Tidak ditampilkan")
    if shown_as == Exposure.WHOLE:
        return Person(
            shown_as,
            name=name,
            nik=mask_nik(nik),
            email=email,
            phone=phone,
            address=address,
            hidden_label=hidden,
        )
    if shown_as == Exposure.MASKED:
        return Person(shown_as, name=initials(name), nik=mask_nik(nik), hidden_label=hidden)
    return Person(shown_as, hidden_label=hidden)


def account_label(user_id: int, *, username: str, staff: bool) -> str:
    """An account as audit views for the ministry show it: a staff member by their work username
    (the security log must say which staff account acted), a citizen by a pseudonym only."""
    if staff:
        return username
    return _("Warga %(id)s") % {"id": pseudonym(user_id)}


def audit_ip(value: str | None, *, staff_actor: bool, known_actor: bool) -> str:
    """A staff actor's address whole (a stolen staff login is what the log is for); a citizen's
    never; an unknown actor's (failed logins, lockouts) as its network only."""
    if staff_actor:
        return value or ""
    if known_actor:
        return ""
    return masked_ip(value)
