"""Where an object lives in the tenancy tree, as the policy (``mpp.accounts.policy``) reads it.

It sits in the lowest layer so that regions, MPPs, agencies and every process can say where they
live without importing the policy above them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from mpp.tenancy.models import MPP


@dataclass(frozen=True)
class Scope:
    """Where an object lives in the tenancy tree."""

    region_codes: frozenset[str] = field(default_factory=frozenset)
    mpp_ids: frozenset[int] = field(default_factory=frozenset)
    agency_id: int | None = None

    @classmethod
    def at(cls, mpp: MPP, agency_id: int | None = None) -> Scope:
        """An object at one MPP (a queue, a ticket, an application), of one agency when given:
        the MPP and its kab/kota."""
        return cls(
            region_codes=frozenset({mpp.region_id}),
            mpp_ids=frozenset({mpp.pk}),
            agency_id=agency_id,
        )


class Scoped(Protocol):
    def policy_scope(self) -> Scope: ...
