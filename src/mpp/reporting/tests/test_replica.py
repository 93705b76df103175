"""The replica router: with a ``replica`` alias, dashboard reads go there and writes stay on default.

On PostgreSQL the test adds a second connection alias to the same test database (as a replica
mirrors the primary; Django's TEST MIRROR setting does the same when DATABASE_REPLICA_URL is set)
and checks which connection runs each query.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from mpp.reporting import facts
from mpp.reporting.facts import Unit
from mpp.reporting.models import DailyFact
from mpp.reporting.routers import replica_configured, replica_reads

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def replica(transactional_db):
    created = "replica" not in connections.settings
    if created:
        settings = dict(connections.settings["default"])
        settings["NAME"] = connection.settings_dict["NAME"]  # the test database
        connections.settings["replica"] = settings
    replica = connections["replica"]
    # The test case refuses to open aliases it was not told about (ensure_connection is patched);
    # this one is added on purpose, so it is connected directly.
    replica.connect()
    yield replica
    if created:
        connections["replica"].close()
        del connections.settings["replica"]
        delattr(connections._connections, "replica")


def test_without_a_replica_everything_uses_default():
    assert not replica_configured()
    with CaptureQueriesContext(connection) as queries:
        list(DailyFact.objects.all())
    assert len(queries) == 1


def test_facts_are_read_from_the_replica_and_written_to_default(replica):
    day = datetime.date(2026, 11, 27)
    with (
        CaptureQueriesContext(connection) as on_default,
        CaptureQueriesContext(replica) as on_replica,
    ):
        facts.bump("applications.received", day, Unit("2171"), 4)
        rows = list(DailyFact.objects.filter(day=day).values_list("value", flat=True))
    assert rows == [4]  # committed on default, visible through the replica connection
    assert any("INSERT INTO" in q["sql"] for q in on_default.captured_queries)
    assert not any("INSERT INTO" in q["sql"] for q in on_replica.captured_queries)
    assert any("reporting_dailyfact" in q["sql"] for q in on_replica.captured_queries)


def test_inside_dashboard_reads_other_models_go_to_the_replica_too(replica):
    from mpp.regions.models import Region

    with CaptureQueriesContext(replica) as on_replica, replica_reads():
        Region.objects.filter(code="2171").exists()
    assert len(on_replica.captured_queries) == 1
    with CaptureQueriesContext(replica) as outside:
        Region.objects.filter(code="2171").exists()
    assert len(outside.captured_queries) == 0
