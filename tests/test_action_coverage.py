"""Every action a person takes in a workflow is walked through the pages by a browser test.

The workflows are data (``mpp.workflows.listing``), so this test enumerates every (workflow, action)
pair a person may take and fails unless some browser test in ``tests/e2e/`` declares it with
``@pytest.mark.walks("workflow.action")``. The declaration is not taken on trust: the ``walks``
fixture in the root ``conftest.py`` fails the browser test unless a person really took each declared
action in the live server's database. Actions only the system takes are moved by the clock; each
names the test that moves it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from mpp.workflows.listing import person_actions, system_actions

ROOT = Path(__file__).resolve().parent.parent
E2E = ROOT / "tests" / "e2e"

# Actions no person takes: the test that moves the clock and sees the system take it.
TAKEN_BY_THE_CLOCK = {
    "application.auto_approve": "src/mpp/cases/tests/test_services.py::"
    "test_sweep_approves_and_issues_fiktif_positif_once",
    # Not the clock but the SATUSEHAT SDMK answer: a SIP application whose check did not match.
    "application.hold": "src/mpp/integrations/tests/test_sip_check.py::"
    "test_a_nik_that_is_no_health_worker_holds_the_application_with_the_reason",
    "complaint.auto_close": "src/mpp/complaints/tests/test_lifecycle.py::"
    "test_the_sweep_closes_answered_complaints_after_the_window",
    "complaint.escalate": "src/mpp/complaints/tests/test_lifecycle.py::"
    "test_overdue_complaints_escalate_to_the_manager_then_the_regional_admin",
    "complaint.exceed_limit": "src/mpp/complaints/tests/test_clocks.py::"
    "test_the_whole_case_limit_escalates_once_to_the_manager_and_the_regional_admin",
    "region_onboarding.escalate": "src/mpp/onboarding/tests/test_review_and_notices.py::"
    "test_an_overdue_review_is_escalated_once_to_the_ministry_and_told_to_the_region",
    "room_booking.escalate": "src/mpp/rooms/tests/test_services.py::"
    "test_a_missed_decision_is_escalated_once_to_the_manager_and_the_regional_admin",
    "room_booking.expire": "src/mpp/rooms/tests/test_services.py::"
    "test_a_request_whose_time_came_without_a_decision_is_declined_by_the_sweep",
    "queue_ticket.remind": "src/mpp/queueing/tests/test_reminder_hook.py::"
    "test_a_failing_reminder_is_recorded_and_sent_later",
    "activity_registration.remind": "src/mpp/activities/tests/test_services.py::"
    "test_the_reminder_goes_out_on_the_local_day_before",
    # Not the clock: a cancellation moves the waiting list up in its own transaction.
    "activity_registration.promote": "src/mpp/activities/tests/test_services.py::"
    "test_a_cancelled_seat_goes_to_the_first_on_the_waiting_list",
}

# Pairs not yet walked by any browser test: none. Keep it empty; a new action comes with its walk.
NOT_YET_WALKED: set[str] = set()


def _is_walks(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "walks"
        and isinstance(node.func.value, ast.Attribute)
        and node.func.value.attr == "mark"
    )


def walked_in_browser_tests() -> dict[str, list[str]]:
    """'workflow.action' -> the browser tests that declare they walk it."""
    walked: dict[str, list[str]] = {}
    for path in sorted(E2E.glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for decorator in node.decorator_list:
                if not _is_walks(decorator):
                    continue
                for argument in decorator.args:  # type: ignore[attr-defined]
                    assert isinstance(argument, ast.Constant) and isinstance(argument.value, str), (
                        f"{path.name}::{node.name}: write walks() names as literal strings"
                    )
                    walked.setdefault(argument.value, []).append(f"{path.name}::{node.name}")
    return walked


def test_every_action_a_person_takes_is_walked_in_a_browser():
    walked = walked_in_browser_tests()
    needed = {f"{workflow}.{action}" for workflow, action in person_actions()}
    unwalked = sorted(needed - walked.keys() - NOT_YET_WALKED)
    newly_walked = sorted(NOT_YET_WALKED & walked.keys())
    assert not unwalked, (
        "no browser test takes these workflow actions through the pages (add a test marked "
        f"@pytest.mark.walks(...) as the role that may take them): {unwalked}"
    )
    assert not newly_walked, f"walked now, remove from NOT_YET_WALKED: {newly_walked}"


def test_walks_names_only_real_person_actions():
    known = {f"{workflow}.{action}" for workflow, action in person_actions()}
    unknown = {
        name: tests for name, tests in walked_in_browser_tests().items() if name not in known
    }
    assert not unknown, f"walks() names actions no person may take: {unknown}"


def test_every_system_action_names_a_test_that_moves_the_clock():
    needed = {f"{workflow}.{action}" for workflow, action in system_actions()}
    assert needed == set(TAKEN_BY_THE_CLOCK), "list each system-only action with its clock test"
    for name, node_id in TAKEN_BY_THE_CLOCK.items():
        path, _, function = node_id.partition("::")
        tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
        functions = {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}
        assert function in functions, f"{name}: {node_id} does not exist"


@pytest.mark.parametrize(
    "source, expected",
    [
        ('@pytest.mark.walks("complaint.verify", "complaint.respond")\ndef test_x(): pass', 2),
        ("@pytest.mark.e2e\ndef test_x(): pass", 0),
    ],
)
def test_the_reader_finds_declarations(source, expected):
    tree = ast.parse(source)
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef)
    found = [d for d in function.decorator_list if _is_walks(d)]
    assert sum(len(d.args) for d in found) == expected
