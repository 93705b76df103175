"""Workflow tables are checked when they are built: mistakes fail at import time."""

from __future__ import annotations

import pytest

from mpp.workflows.definitions import Transition, Workflow, WorkflowDefinitionError
from mpp.workflows.tests.testapp.models import PERMIT, PERMIT_WITHOUT_APPROVAL

STATES = ["new", "open", "closed"]


def test_a_transition_to_an_unknown_state_is_refused():
    with pytest.raises(WorkflowDefinitionError, match="unknown state 'clossed'"):
        Workflow("w", STATES, "new", [Transition("close", {"open"}, "clossed", {"officer"})])


def test_an_unknown_source_state_is_refused():
    with pytest.raises(WorkflowDefinitionError, match="unknown state 'opne'"):
        Workflow("w", STATES, "new", [Transition("close", {"opne"}, "closed", {"officer"})])


def test_a_duplicate_action_from_the_same_state_is_refused():
    with pytest.raises(WorkflowDefinitionError, match="'close' defined twice from 'open'"):
        Workflow(
            "w",
            STATES,
            "new",
            [
                Transition("close", {"open"}, "closed", {"officer"}),
                Transition("close", {"new", "open"}, "closed", {"citizen"}),
            ],
        )


def test_an_unknown_initial_state_and_a_transition_without_actors_are_refused():
    with pytest.raises(WorkflowDefinitionError, match="initial state 'draft'"):
        Workflow("w", STATES, "draft", [Transition("open", {"new"}, "open", {"citizen"})])
    with pytest.raises(WorkflowDefinitionError, match="names no actor kind"):
        Workflow("w", STATES, "new", [Transition("open", {"new"}, "open", set())])


def test_a_final_state_cannot_be_left():
    with pytest.raises(WorkflowDefinitionError, match="leaves final state 'closed'"):
        Workflow(
            "w",
            STATES,
            "new",
            [Transition("reopen", {"closed"}, "open", {"officer"})],
            final=["closed"],
        )


def test_a_derived_variant_drops_and_adds_actions_and_is_validated():
    assert "approve" in PERMIT.actions
    assert "approve" not in PERMIT_WITHOUT_APPROVAL.actions
    assert PERMIT_WITHOUT_APPROVAL.transition("issue", "in_review").target == "issued"
    assert PERMIT.transition("issue", "in_review") is None
    with pytest.raises(WorkflowDefinitionError, match="no action"):
        PERMIT.derive("x", remove=["approvee"])
    with pytest.raises(WorkflowDefinitionError, match="defined twice"):
        PERMIT.derive("x", add=[Transition("approve", {"in_review"}, "approved", {"officer"})])
