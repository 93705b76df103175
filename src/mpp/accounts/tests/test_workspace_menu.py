"""The workspace shows each staff member the back-office areas of their role, and no others."""

import pytest

from mpp.accounts.models import User
from mpp.accounts.tests.factories import load_demo
from mpp.accounts.tests.helpers import login_staff

pytestmark = pytest.mark.django_db

LINKS = {
    "inbox": "/kelola/permohonan/",
    "catalog": "/kelola/layanan/",
    "calendar": "/kelola/kalender/",
    "roles": "/akun/kerja/peran/",
    "audit": "/akun/kerja/audit/",
    "surveys": "/kelola/skm/",
}


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        ("petugas.dukcapil", {"inbox"}),
        ("admin.dukcapil", {"inbox", "catalog", "roles", "surveys"}),
        ("admin.batam", {"inbox", "catalog", "calendar", "roles", "surveys"}),
        # The ministry sees no applications: no inbox link (it answers 403 for national roles).
        ("admin.kemenpanrb", {"catalog", "calendar", "roles", "audit", "surveys"}),
    ],
)
def test_workspace_menu_matches_the_role(client, username, expected):
    load_demo()
    login_staff(client, User.objects.get(username=username))
    html = client.get("/akun/kerja/").content.decode()
    shown = {name for name, url in LINKS.items() if f'href="{url}"' in html}
    assert shown == expected
