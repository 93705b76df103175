"""Workflow history rows carry where they happened, filled by the engine and by the backfill."""

from __future__ import annotations

import pytest
from django.db.models import Count

from mpp.cases import services
from mpp.cases.tests.factories import (
    VALID_DATA,
    CitizenFactory,
    officer_for,
    pdf_upload,
    service_with,
)
from mpp.workflows.models import TransitionRecord

pytestmark = pytest.mark.django_db


def test_each_transition_records_the_region_mpp_and_agency_of_its_application():
    service, citizen = service_with(), CitizenFactory()
    officer = officer_for(service)
    application = services.start_application(applicant=citizen, service=service)
    services.update_draft(application, actor=citizen, data=VALID_DATA)
    services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload())
    services.submit_application(application, actor=citizen)
    services.claim_application(application, actor=officer)
    places = set(TransitionRecord.objects.values_list("region_id", "mpp_id", "agency_id"))
    assert places == {(service.mpp.region_id, service.mpp_id, service.agency_id)}
    # A report per MPP over every process: one query on the history, no join per process.
    counts = TransitionRecord.objects.values("mpp_id").annotate(n=Count("id"))
    assert list(counts) == [{"mpp_id": service.mpp_id, "n": 2}]


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_rows_written_before_the_columns_existed():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    service, citizen = service_with(), CitizenFactory()
    application = services.start_application(applicant=citizen, service=service)
    services.update_draft(application, actor=citizen, data=VALID_DATA)
    services.attach_file(application, actor=citizen, field="dokumen", upload=pdf_upload())
    services.submit_application(application, actor=citizen)
    with connection.cursor() as cursor:  # as rows written before the columns existed
        cursor.execute(
            "UPDATE workflows_transitionrecord SET region_id = NULL, mpp_id = NULL, agency_id = NULL"
        )
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([("cases", "0004_deadline_clock")])
        executor.loader.build_graph()
        executor.migrate([("cases", "0005_backfill_history_place")])
        record = TransitionRecord.objects.get()
    finally:
        # Later tests share this database: leave every app at its newest migration again.
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert (record.region_id, record.mpp_id, record.agency_id) == (
        service.mpp.region_id,
        service.mpp_id,
        service.agency_id,
    )
