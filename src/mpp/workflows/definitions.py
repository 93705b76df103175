"""Workflows as data: a process is a frozen table of states and the transitions between them.

A :class:`Workflow` is declared once in code (in the app that owns the process) and validated when it
is built, so a typo in a state name fails at import time, not in production. The engine
(:mod:`mpp.workflows.services`) is the only code that changes a status.

Who may take an action is named by *actor kinds* (``"citizen"``, ``"officer"``, ``"system"``...).
The calling app maps a user and an object to the kinds that user has for that object (deciding it in
``mpp.accounts.policy``); the engine only intersects the two sets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

SYSTEM = "system"  # the actor kind of automatic actions: deadline sweeps, fiktif positif approval

Label = str | Promise
Condition = Callable[[Any], bool]


class WorkflowDefinitionError(ValueError):
    """A workflow table is inconsistent (a programming error, raised at import time)."""


@dataclass(frozen=True)
class Transition:
    """One allowed action: from any of ``sources`` to ``target``, by any of ``actors``.

    ``when`` is an optional predicate on the object (e.g. "the service skips the approval step");
    when it returns False the action is not available for that object. ``note_required`` makes
    the engine refuse the action without a note (a reason for a rejection, say).
    """

    action: str
    sources: frozenset[str]
    target: str
    actors: frozenset[str]
    label: Label = ""
    note_required: bool = False
    when: Condition | None = None

    def __init__(
        self,
        action: str,
        sources: Iterable[str],
        target: str,
        actors: Iterable[str],
        label: Label = "",
        note_required: bool = False,
        when: Condition | None = None,
    ) -> None:
        # A set literal is the natural way to write sources and actors; store them frozen.
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "sources", frozenset(sources))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "actors", frozenset(actors))
        object.__setattr__(self, "label", label or action)
        object.__setattr__(self, "note_required", note_required)
        object.__setattr__(self, "when", when)

    def applies_to(self, obj: Any) -> bool:
        return self.when is None or bool(self.when(obj))


@dataclass(frozen=True)
class Workflow:
    """A named state machine: states, the initial state, final states and transitions.

    Raises :class:`WorkflowDefinitionError` when a transition names an unknown state, when two
    transitions share an (action, source) pair, or when the initial state is unknown.
    """

    name: str
    states: tuple[str, ...]
    initial: str
    transitions: tuple[Transition, ...]
    final: frozenset[str] = field(default_factory=frozenset)
    # The workflow this one was derived from (see :meth:`derive`), or None.
    base: Workflow | None = field(default=None, compare=False, repr=False)
    _index: dict[tuple[str, str], Transition] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __init__(
        self,
        name: str,
        states: Iterable[str],
        initial: str,
        transitions: Iterable[Transition],
        final: Iterable[str] = (),
        base: Workflow | None = None,
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "base", base)
        object.__setattr__(self, "states", tuple(states))
        object.__setattr__(self, "initial", initial)
        object.__setattr__(self, "transitions", tuple(transitions))
        object.__setattr__(self, "final", frozenset(final))
        object.__setattr__(self, "_index", self._validate())

    def _validate(self) -> dict[tuple[str, str], Transition]:
        known = set(self.states)
        problems: list[str] = []
        if len(known) != len(self.states):
            problems.append("duplicate state names")
        if self.initial not in known:
            problems.append(f"initial state {self.initial!r} is not a state")
        problems += [f"final state {state!r} is not a state" for state in self.final - known]
        index: dict[tuple[str, str], Transition] = {}
        for transition in self.transitions:
            if not transition.sources:
                problems.append(f"action {transition.action!r} has no source state")
            if not transition.actors:
                problems.append(f"action {transition.action!r} names no actor kind")
            for state in sorted((transition.sources | {transition.target}) - known):
                problems.append(f"action {transition.action!r} names unknown state {state!r}")
            for source in sorted(transition.sources):
                if source in self.final:
                    problems.append(f"action {transition.action!r} leaves final state {source!r}")
                key = (transition.action, source)
                if key in index:
                    problems.append(f"action {transition.action!r} defined twice from {source!r}")
                index[key] = transition
        if problems:
            raise WorkflowDefinitionError(f"workflow {self.name!r}: " + "; ".join(problems))
        return index

    def transition(self, action: str, source: str) -> Transition | None:
        """The transition for ``action`` from state ``source``, or None."""
        return self._index.get((action, source))

    def transitions_from(self, source: str) -> list[Transition]:
        return [t for t in self.transitions if source in t.sources]

    @property
    def actions(self) -> frozenset[str]:
        return frozenset(t.action for t in self.transitions)

    def derive(
        self,
        name: str,
        *,
        remove: Iterable[str] = (),
        add: Iterable[Transition] = (),
        states: Iterable[str] | None = None,
    ) -> Workflow:
        """A variant of this workflow: without the actions in ``remove``, plus ``add``.

        The variant is validated like any workflow; its history rows carry its own ``name``.
        """
        dropped = set(remove)
        unknown = dropped - self.actions
        if unknown:
            raise WorkflowDefinitionError(
                f"workflow {self.name!r} has no action(s) {sorted(unknown)} to remove"
            )
        kept = tuple(t for t in self.transitions if t.action not in dropped)
        return Workflow(
            name=name,
            states=self.states if states is None else states,
            initial=self.initial,
            transitions=kept + tuple(add),
            final=self.final,
            base=self,
        )
