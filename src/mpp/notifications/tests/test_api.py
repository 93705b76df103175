"""GET /api/v1/me/messages and POST /api/v1/me/messages/{id}/read, with a bearer token."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from mpp.accounts.services import issue_token
from mpp.notifications.models import InboxMessage
from mpp.notifications.tests.factories import InboxMessageFactory, RecipientFactory

pytestmark = pytest.mark.django_db

MESSAGES = "/api/v1/me/messages"


@pytest.fixture
def citizen():
    return RecipientFactory()


@pytest.fixture
def auth(citizen):
    _token, raw = issue_token(citizen, name="test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def make_messages(user, count: int) -> list[InboxMessage]:
    start = timezone.now() - datetime.timedelta(hours=1)
    return [
        InboxMessageFactory.create(
            recipient=user,
            subject=f"Pesan {index:02d}",
            link="/permohonan/7/",
            created_at=start + datetime.timedelta(minutes=index),
        )
        for index in range(count)
    ]


def test_messages_need_a_token(client):
    response = client.get(MESSAGES)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_the_caller_gets_only_their_messages_newest_first(client, citizen, auth):
    make_messages(citizen, 2)
    InboxMessageFactory(subject="Pesan orang lain")

    body = client.get(MESSAGES, **auth).json()

    assert (body["count"], body["unread"], body["page"], body["pages"]) == (2, 2, 1, 1)
    assert [item["subject"] for item in body["items"]] == ["Pesan 01", "Pesan 00"]
    first = body["items"][0]
    assert first["link"] == "/permohonan/7/"
    assert first["is_read"] is False and first["read_at"] is None
    assert first["kind"] == "test.ping"


def test_pages_and_the_unread_filter(client, citizen, auth, django_assert_max_num_queries):
    messages = make_messages(citizen, 25)
    for message in messages[:3]:
        message.read_at = timezone.now()
        message.save()

    with django_assert_max_num_queries(4):  # token, its last use, counts, the page
        second = client.get(MESSAGES, {"page": 2}, **auth).json()
    unread = client.get(MESSAGES, {"unread": "true"}, **auth).json()

    assert (second["count"], second["pages"], len(second["items"])) == (25, 2, 5)
    assert (unread["count"], unread["unread"], len(unread["items"])) == (22, 22, 20)
    assert all(not item["is_read"] for item in unread["items"])


@pytest.mark.parametrize(("page", "status"), [("0", 422), ("abc", 422), ("3", 404)])
def test_bad_pages_are_problems(client, citizen, auth, page, status):
    make_messages(citizen, 1)
    response = client.get(MESSAGES, {"page": page}, **auth)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"


def test_marking_a_message_read(client, citizen, auth):
    [message] = make_messages(citizen, 1)

    response = client.post(f"{MESSAGES}/{message.pk}/read", **auth)

    assert response.status_code == 200
    assert response.json()["is_read"] is True
    message.refresh_from_db()
    assert message.read_at is not None
    assert client.get(MESSAGES, **auth).json()["unread"] == 0


def test_another_persons_message_is_not_found(client, auth):
    other = InboxMessageFactory()
    response = client.post(f"{MESSAGES}/{other.pk}/read", **auth)
    assert response.status_code == 404
    assert response.json()["title"] == "Tidak ditemukan."
    other.refresh_from_db()
    assert other.read_at is None


def test_the_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "get" in paths["/api/v1/me/messages"]
    assert "post" in paths["/api/v1/me/messages/{message_id}/read"]


def test_a_personal_read_is_never_stored_and_carries_no_validator(client, citizen, auth):
    """Personal reads are ``no-store`` (never kept by a browser or proxy), so no ETag either."""
    make_messages(citizen, 1)
    response = client.get(MESSAGES, **auth)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "public" not in response["Cache-Control"]
    assert not response.has_header("ETag")
