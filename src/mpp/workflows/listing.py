"""Every workflow of the platform, found where each app declares it (``<app>/workflow.py``).

Used by the docs and by the action-coverage test (every action a person takes is walked through
the pages by a browser test). A variant derived from another workflow (the application without an
approval step) has its own name in the history; only the transitions it adds or changes are its
own actions, the ones it keeps are its base's.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps

from mpp.workflows.definitions import SYSTEM, Workflow


def all_workflows() -> list[Workflow]:
    """The workflow tables declared in the ``workflow`` module of each installed ``mpp`` app."""
    found: dict[int, Workflow] = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("mpp.") or find_spec(f"{config.name}.workflow") is None:
            continue
        module = import_module(f"{config.name}.workflow")
        for value in vars(module).values():
            if isinstance(value, Workflow):
                found[id(value)] = value
    return sorted(found.values(), key=lambda workflow: workflow.name)


def _actions(*, by_person: bool) -> list[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for workflow in all_workflows():
        inherited = set(workflow.base.transitions) if workflow.base is not None else set()
        for transition in workflow.transitions:
            if transition in inherited:
                continue
            people = transition.actors - {SYSTEM}
            if bool(people) == by_person:
                pairs.add((workflow.name, transition.action))
    return sorted(pairs)


def person_actions() -> list[tuple[str, str]]:
    """(workflow, action) pairs that a person (not only the system) may take."""
    return _actions(by_person=True)


def system_actions() -> list[tuple[str, str]]:
    """(workflow, action) pairs that only the system takes (sweeps, clocks)."""
    return sorted(set(_actions(by_person=False)) - set(person_actions()))
