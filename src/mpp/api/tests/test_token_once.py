"""A bearer token is looked up once per request (issue 26): the limit on anonymous posts and the
API's authentication both ask who is behind it, and they share one answer."""

from __future__ import annotations

import pytest
from django.db import connection

from mpp.accounts.services import issue_token, revoke_token
from mpp.accounts.tests.factories import CitizenFactory
from mpp.cases.models import Application
from mpp.cases.tests.factories import service_with

pytestmark = pytest.mark.django_db


def _post_counting_token_reads(client, raw: str, service) -> tuple[int, int]:
    reads: list[str] = []

    def count(run, sql, *rest):
        if sql.lstrip().upper().startswith("SELECT") and "accounts_apitoken" in sql:
            reads.append(sql)
        return run(sql, *rest)

    with connection.execute_wrapper(count):
        answer = client.post(
            "/api/v1/applications",
            {"service": service.pk, "data": {}},
            content_type="application/json",
            headers={"Authorization": f"Bearer {raw}"},
        )
    return answer.status_code, len(reads)


def test_a_post_with_a_token_reads_the_token_once(client):
    citizen = CitizenFactory.create()
    _token, raw = issue_token(citizen)
    status, reads = _post_counting_token_reads(client, raw, service_with())
    assert status == 201
    assert reads == 1
    assert Application.objects.filter(applicant=citizen).count() == 1


def test_a_revoked_token_is_refused_and_creates_nothing(client):
    citizen = CitizenFactory.create()
    token, raw = issue_token(citizen)
    revoke_token(token)
    status, reads = _post_counting_token_reads(client, raw, service_with())
    assert status == 401
    assert reads == 1
    assert not Application.objects.filter(applicant=citizen).exists()


def test_two_requests_do_not_share_the_answer(client):
    """The answer lives on the request: a token revoked between two requests counts at once."""
    citizen = CitizenFactory.create()
    token, raw = issue_token(citizen)
    service = service_with()
    assert _post_counting_token_reads(client, raw, service)[0] == 201
    revoke_token(token)
    assert _post_counting_token_reads(client, raw, service)[0] == 401
    assert Application.objects.filter(applicant=citizen).count() == 1
