"""PostgreSQL plans a hot read once per connection, not on every request.

The reads of one application, complaint or ticket join eight to ten tables; planning such a join
cost PostgreSQL 3 to 5 ms, more than running it (docs/performance.md). With server-side binding
and prepared statements (``DATABASE_SERVER_SIDE_BINDING``, ``DATABASE_PREPARE_THRESHOLD``) a
statement a connection runs often is prepared, and PostgreSQL moves to a generic plan it keeps.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import Value

from mpp.cases.models import Application
from mpp.cases.selectors import LIST_RELATED
from mpp.web.tests.prepared import only_on_postgresql, prepared_like

pytestmark = pytest.mark.django_db


def _plans_of(marker: str) -> tuple[int, int] | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE statement LIKE %s",
            [f"%{marker}%"],
        )
        row = cursor.fetchone()
    return None if row is None else (row[0], row[1])


def test_a_read_run_often_on_a_connection_is_planned_once_and_its_plan_kept():
    only_on_postgresql()
    reads = Application.objects.select_related(
        *LIST_RELATED, "issued_document", "filed_by"
    ).annotate(plan_probe=Value(1))  # a name no other test's statement has
    for pk in range(1, 16):
        # A different application each time: the plan is kept for the statement, whatever its
        # parameters.
        assert list(reads.filter(pk=pk)) == []
    plans = _plans_of('"plan_probe"')
    assert plans is not None, "the read was never prepared"
    generic, custom = plans
    # psycopg prepares the statement at its 5th run; PostgreSQL plans the first five executions
    # for their parameters, then keeps one generic plan for the rest.
    assert generic >= 1, plans
    assert custom <= 5, plans


def test_the_statements_are_sent_with_their_parameters_apart():
    if connection.vendor != "postgresql":
        pytest.skip("server-side binding is PostgreSQL's")
    assert connection.features.uses_server_side_binding


def test_a_connection_keeps_more_statements_prepared_than_psycopgs_hundred():
    """The hot paths prepare about 200 statements on one connection: none is dropped."""
    only_on_postgresql()
    for n in range(150):
        read = Application.objects.annotate(**{f"many_probe_{n}": Value(n)}).filter(pk=0)
        for _ in range(6):
            assert list(read.all()) == []  # a new query set: each runs the statement
    assert prepared_like("%many_probe_%") == 150


def test_a_read_whose_plan_depends_on_its_values_is_planned_for_them_each_time():
    """``mpp.plans.planned_each_time``: the counter's pick of the next ticket, for one, must be
    planned for today's date; the connection goes back to preparing afterwards."""
    only_on_postgresql()
    from mpp.plans import planned_each_time

    each_time = Application.objects.annotate(each_time_probe=Value(1))
    with planned_each_time():
        for pk in range(1, 16):
            assert list(each_time.filter(pk=pk)) == []
    assert _plans_of('"each_time_probe"') is None
    after = Application.objects.annotate(after_probe=Value(1))
    for pk in range(1, 16):
        assert list(after.filter(pk=pk)) == []
    assert _plans_of('"after_probe"') is not None
