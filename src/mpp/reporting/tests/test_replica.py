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


@pytest.fixture
def replica_down(replica, settings):
    """The replica stops: the connection the process holds to it is dropped under it."""
    from mpp.reporting import routers

    settings.MPP_REPLICA_AWAY_SECONDS = 30
    replica.connection.close()  # the socket is gone; Django still believes it is connected
    yield replica
    routers._away_until = 0.0


def test_a_stopped_replica_is_set_aside_and_the_page_read_from_the_primary(replica_down, caplog):
    from mpp.reporting import routers
    from mpp.reporting.routers import on_replica, replica_available

    day = datetime.date(2026, 11, 27)
    facts.bump("applications.received", day, Unit("2171"), 4)
    read = lambda: list(DailyFact.objects.filter(day=day).values_list("value", flat=True))  # noqa: E731
    with CaptureQueriesContext(connection) as on_default:
        assert on_replica(read) == [4]  # the reader gets the figures, not an error
    assert len(on_default.captured_queries) == 1
    assert "replica unavailable" in caplog.text
    assert not replica_available()
    assert read() == [4]  # facts outside a page go to the primary too while it is set aside
    routers._away_until = 0.0  # the time is up: the replica is tried again
    assert replica_available()


def test_a_dashboard_answers_while_the_replica_is_stopped(replica_down):
    from django.test import Client

    from mpp.accounts.models import User
    from mpp.accounts.tests.helpers import login_staff
    from mpp.web.management.commands.load_demo import Command

    Command().handle()
    client = Client()
    login_staff(client, User.objects.get(username="analis.kemenpanrb"))
    assert client.get("/kelola/dasbor/nasional/").status_code == 200


def test_the_primarys_own_failure_is_not_retried(replica):
    from django.db import OperationalError

    from mpp.reporting.routers import on_replica

    def failing():
        raise OperationalError("the primary is away")

    with pytest.raises(OperationalError):
        on_replica(failing)
