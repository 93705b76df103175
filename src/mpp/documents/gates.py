"""Download gates: a check a process asks before handing a citizen their issued document.

A gate is a callable ``(user, source_obj, next_url) -> str | None`` returning a site-relative URL
to send the citizen to first (the satisfaction survey, say) or None to let the download go on. The
process's download view asks :func:`redirect_before_download`; the app that owns the gate registers
it in its ``AppConfig.ready`` (``download_gates.register("surveys", gate)``), so neither imports the
other. Gates only ever delay the download page: a document's validity and its public verification
never depend on them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from mpp.registry import Registry

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from mpp.accounts.models import User

Gate = Callable[[Any, Any, str], str | None]


class GateRegistry:
    """Gates by name, asked in registration order (:mod:`mpp.registry`'s duplicate rule)."""

    def __init__(self) -> None:
        self.registry: Registry[str, Gate] = Registry("download gates")

    def register(self, name: str, gate: Gate, *, replace: bool = False) -> Gate:
        return self.registry.add(name, gate, replace=replace)

    def unregister(self, name: str) -> None:
        self.registry.remove(name)

    def redirect_before_download(
        self, user: User | AnonymousUser, source_obj: Any, next_url: str
    ) -> str | None:
        """The first gate's detour for this download, or None when every gate lets it through."""
        for gate in self.registry.entries():
            target = gate(user, source_obj, next_url)
            if target:
                return target
        return None


download_gates = GateRegistry()
