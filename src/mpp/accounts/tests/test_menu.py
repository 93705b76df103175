"""Menus match the policy (issue 23): every demo staff role's work menu links only pages that open
for that role, and every workspace page that opens for the role is linked. The header's
"Permohonan" link follows the same rule; the inbox offers counter filing only to those who may."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from mpp.accounts.menu import WORK_MENU, menu_for
from mpp.accounts.models import User

from .helpers import login_staff
from .test_duties import STAFF as DUTY_STAFF

pytestmark = pytest.mark.django_db

STAFF = [*DUTY_STAFF, "pengaduan.batam"]  # the demo staff roles and the complaint desk


def _links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"#?]+)"', html))


@pytest.fixture
def people(request, demo_complaints_once, settings, tmp_path):
    demo_complaints_once.for_test(request, settings, tmp_path)
    return {user.username: user for user in User.objects.filter(username__in=STAFF)}


def test_every_demo_role_is_checked(people):
    assert set(people) == set(STAFF)


@pytest.mark.parametrize("username", STAFF)
def test_the_menu_links_exactly_the_pages_that_open(people, username):
    user = people[username]
    client = Client()
    login_staff(client, user)
    shown = {entry.url_name for entry in menu_for(user)}
    assert shown, f"{username} has a workspace with nothing in it"
    workspace = client.get("/akun/kerja/").content.decode()
    for entry in WORK_MENU:
        response = client.get(entry.url, follow=True)
        opens = response.status_code == 200
        assert opens == (entry.url_name in shown), (
            f"{username}: {entry.url} answers {response.status_code} "
            f"but the menu {'shows' if entry.url_name in shown else 'hides'} it"
        )
        linked = entry.url in _links(workspace)
        assert linked == (entry.url_name in shown), (username, entry.url)


@pytest.mark.parametrize("username", STAFF)
def test_the_header_and_the_inbox_link_only_what_opens(people, username):
    user = people[username]
    client = Client()
    login_staff(client, user)
    home = client.get("/").content.decode()
    header = home[home.index("<header") : home.index("</header>")]
    for link in _links(header):
        if link.startswith(("/kelola/", "/akun/kerja/")):
            assert client.get(link, follow=True).status_code == 200, (username, link)
    inbox = client.get("/kelola/permohonan/")
    if inbox.status_code == 200 and "/kelola/permohonan/loket/" in _links(inbox.content.decode()):
        assert client.get("/kelola/permohonan/loket/").status_code == 200, username
