"""The inbox pages: only one's own messages, newest first, read state, a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mpp.notifications.models import InboxMessage
from mpp.notifications.tests.factories import InboxMessageFactory, RecipientFactory

pytestmark = pytest.mark.django_db

INBOX = reverse("notifications:inbox")


@pytest.fixture
def citizen(client):
    user = RecipientFactory()
    client.force_login(user)
    return user


def messages_for(user, count: int) -> list[InboxMessage]:
    start = timezone.now() - datetime.timedelta(days=1)
    return [
        InboxMessageFactory.create(
            recipient=user,
            subject=f"Pesan {index:02d}",
            created_at=start + datetime.timedelta(minutes=index),
        )
        for index in range(count)
    ]


def test_the_inbox_needs_a_login(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_inbox_lists_own_messages_newest_first_with_unread_marked(client, citizen):
    old, _new = messages_for(citizen, 2)
    old.read_at = timezone.now()
    old.save()
    InboxMessageFactory(subject="Pesan orang lain")

    response = client.get(INBOX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Pesan 01") < html.index("Pesan 00")
    assert "Pesan orang lain" not in html
    assert html.count("inbox-item--unread") == 1
    assert "1 pesan belum dibaca." in html
    assert 'class="badge">1<' in html  # the navigation's unread badge


def test_the_inbox_is_paginated_with_the_same_number_of_queries_per_page(
    client, citizen, django_assert_num_queries
):
    messages_for(citizen, 3)
    client.get(INBOX)  # the sign-in's grants and devices are then in the cache (accounts.access)
    # Session (none when sessions are read from a shared cache), user, counts, page.
    with CaptureQueriesContext(connection) as few:
        client.get(INBOX)
    assert len(few.captured_queries) <= 4
    inbox_queries = [q for q in few.captured_queries if "notifications_inboxmessage" in q["sql"]]
    assert len(inbox_queries) == 2  # the navigation badge reuses the page's unread count
    messages_for(citizen, 42)
    with django_assert_num_queries(len(few.captured_queries)):
        first = client.get(INBOX)
    with django_assert_num_queries(len(few.captured_queries)):
        last = client.get(INBOX, {"page": 3})

    assert first.content.decode().count('<li class="inbox-item') == 20
    assert "Halaman 1 dari 3" in first.content.decode()
    assert last.content.decode().count('<li class="inbox-item') == 5
    assert client.get(INBOX, {"page": "abc"}).status_code == 200
    assert client.get(INBOX, {"page": "999"}).status_code == 200


def test_opening_a_message_shows_it_and_marks_it_read(client, citizen):
    message = InboxMessageFactory(
        recipient=citizen, body="Baris satu.\n\nBaris <dua>.", link="/permohonan/42/"
    )

    response = client.get(reverse("notifications:message", args=[message.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert message.subject in html
    assert "Baris &lt;dua&gt;." in html
    assert 'href="/permohonan/42/"' in html
    message.refresh_from_db()
    assert message.read_at is not None
    first_read = message.read_at
    client.get(reverse("notifications:message", args=[message.pk]))
    message.refresh_from_db()
    assert message.read_at == first_read


def test_another_persons_message_is_not_found_and_stays_unread(client, citizen):
    other = InboxMessageFactory()
    response = client.get(reverse("notifications:message", args=[other.pk]))
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_all_read_marks_only_ones_own_messages(client, citizen):
    messages_for(citizen, 3)
    other = InboxMessageFactory()

    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    response = client.post(reverse("notifications:mark_all_read"), follow=True)

    assert "Semua pesan sudah ditandai dibaca." in response.content.decode()
    assert not InboxMessage.objects.filter(recipient=citizen, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None
    assert 'class="badge"' not in response.content.decode()


def test_other_pages_show_the_unread_count_with_one_query(client, citizen):
    messages_for(citizen, 2)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("accounts:profile"))
    assert 'class="badge">2<span class="visually-hidden"> belum dibaca' in response.content.decode()
    assert sum("notifications_inboxmessage" in q["sql"] for q in queries.captured_queries) == 1


def test_no_badge_and_no_query_for_visitors(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("accounts:login"))
    assert 'class="badge"' not in response.content.decode()
    assert not any("notifications_inboxmessage" in q["sql"] for q in queries.captured_queries)


def _badge(client) -> str:
    html = client.get(reverse("accounts:profile")).content.decode()
    start = html.find('class="badge">')
    return html[start + len('class="badge">') :].split("<", 1)[0] if start >= 0 else ""


def test_the_badge_is_counted_once_then_kept_until_a_message_comes_or_is_read(client, citizen):
    messages_for(citizen, 2)
    assert _badge(client) == "2"
    with CaptureQueriesContext(connection) as queries:
        assert _badge(client) == "2"  # from the cache: no count
    assert not any("notifications_inboxmessage" in q["sql"] for q in queries.captured_queries)

    InboxMessageFactory(recipient=citizen)  # delivered while the count is cached
    assert _badge(client) == "3"
    message = InboxMessage.objects.filter(recipient=citizen).first()
    client.get(reverse("notifications:message", args=[message.pk]))  # read
    assert _badge(client) == "2"
    client.post(reverse("notifications:mark_all_read"))
    assert _badge(client) == ""
    InboxMessageFactory(recipient=citizen)
    InboxMessage.objects.filter(recipient=citizen, read_at__isnull=True).first().delete()
    assert _badge(client) == ""


def test_another_persons_new_message_leaves_the_badge_alone(client, citizen):
    messages_for(citizen, 1)
    assert _badge(client) == "1"
    InboxMessageFactory()  # someone else's
    with CaptureQueriesContext(connection) as queries:
        assert _badge(client) == "1"
    assert not any("notifications_inboxmessage" in q["sql"] for q in queries.captured_queries)
