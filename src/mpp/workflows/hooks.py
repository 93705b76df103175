"""Side effects of transitions: callables registered per workflow and run after the commit.

A hook receives ``(obj, record)`` — the object (with its new status and version) and the
:class:`~mpp.workflows.models.TransitionRecord` — and typically enqueues a django-tasks task
(an email, a PDF, a webhook). The engine schedules hooks with ``transaction.on_commit``, so a rolled
back transition never sends anything. Hooks of one workflow run in registration order.

A hook that raises never undoes or breaks the committed action: the failure is stored as a
:class:`~mpp.workflows.models.HookFailure` and :func:`mpp.workflows.services.retry_failed_hooks`
runs the hook again later with the object as it is then, so hooks must be idempotent.

Register at import time of the owning app (in ``AppConfig.ready``)::

    hooks.register("application", notify_citizen, target="revision_requested")
    hooks.register("application", issue_document, action="issue")

A process event that is not a workflow transition (an SKM response, a void of kiosk answers) uses
the same registry under its own name and action, and the process runs its hooks with
:meth:`HookRegistry.run_in_transaction`: in the event's own transaction, with ``(obj, data)``, so
that what they write (the dashboards' daily facts) commits or rolls back with the event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mpp.registry import DuplicateEntry, Registry

if TYPE_CHECKING:
    from mpp.workflows.models import TransitionRecord

# What a hook returns is not read (``surveys.services.invite`` returns its invitation).
Hook = Callable[[Any, "TransitionRecord"], object]


@dataclass(frozen=True)
class _Registration:
    workflow: str
    hook: Hook
    action: str | None
    target: str | None

    def matches(self, workflow: str, action: str, target: str) -> bool:
        return (
            self.workflow == workflow
            and (self.action is None or self.action == action)
            and (self.target is None or self.target == target)
        )


# A hook's key: workflow, hook name, action and target (None: any).
HookKey = tuple[str, str, str | None, str | None]


class HookRegistry:
    """Hooks keyed by workflow name and, optionally, action and/or target state.

    Registrations live in one :class:`mpp.registry.Registry` (its duplicate rule: one hook per
    workflow, name, action and target), in registration order, which is the order hooks run in.
    """

    def __init__(self) -> None:
        self.registry: Registry[HookKey, _Registration] = Registry(
            "workflow hooks", describe_entry=lambda r: hook_name(r.hook)
        )

    def register(
        self,
        workflow: str,
        hook: Hook,
        *,
        action: str | None = None,
        target: str | None = None,
    ) -> Hook:
        """Run ``hook`` after each committed transition of ``workflow`` matching ``action`` and
        ``target`` (None matches any). Registering the same hook for the same key twice is an error."""
        name = hook_name(hook)
        if any(
            r.workflow == workflow and r.hook != hook and hook_name(r.hook) == name
            for r in self.registry.entries()
        ):
            # Failures are retried by name: two different hooks must not share one.
            raise DuplicateEntry(f"another hook named {name!r} is registered for {workflow!r}")
        self.registry.add(
            (workflow, name, action, target), _Registration(workflow, hook, action, target)
        )
        return hook

    def on(
        self, workflow: str, *, action: str | None = None, target: str | None = None
    ) -> Callable[[Hook], Hook]:
        """Decorator form of :meth:`register`."""

        def decorator(hook: Hook) -> Hook:
            return self.register(workflow, hook, action=action, target=target)

        return decorator

    def unregister(self, workflow: str, hook: Hook) -> None:
        for key, r in self.registry.items():
            if r.workflow == workflow and r.hook == hook:
                self.registry.remove(key)

    def hooks_for(self, workflow: str, action: str, target: str) -> list[Hook]:
        return [r.hook for r in self.registry.entries() if r.matches(workflow, action, target)]

    def run_in_transaction(self, event: str, action: str, obj: Any, data: Any = None) -> None:
        """Run the hooks of ``event``/``action`` (an event that is not a workflow transition) now,
        in the caller's transaction and registration order, with ``(obj, data)``. An error reaches
        the caller and rolls the event back: these hooks write what must agree with it."""
        for hook in self.hooks_for(event, action, action):
            hook(obj, data)

    def by_name(self, workflow: str, name: str) -> Hook | None:
        """The hook registered for ``workflow`` under :func:`hook_name` ``name`` (for retries)."""
        return next(
            (
                r.hook
                for r in self.registry.entries()
                if r.workflow == workflow and hook_name(r.hook) == name
            ),
            None,
        )


def hook_name(hook: Hook) -> str:
    """A stable name for a hook, stored with its failures: ``module.qualified_name``."""
    return f"{hook.__module__}.{getattr(hook, '__qualname__', type(hook).__qualname__)}"


hooks = HookRegistry()
