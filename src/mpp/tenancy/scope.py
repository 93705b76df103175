"""Where an object lives in the tenancy tree, as the policy (``mpp.accounts.policy``) reads it.

It sits in the lowest layer so that regions, MPPs, agencies and every process can say where they
live without importing the policy above them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class Scope:
    """Where an object lives in the tenancy tree."""

    region_codes: frozenset[str] = field(default_factory=frozenset)
    mpp_ids: frozenset[int] = field(default_factory=frozenset)
    agency_id: int | None = None


class Scoped(Protocol):
    def policy_scope(self) -> Scope: ...
