"""The README's demo table lists every demo credential a tester needs, and each one works: a person
signs in with the password the table gives (two-factor aside, shown by ``make totp``)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from mpp.accounts.models import RoleGrant, User

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[4] / "README.md"
ROW = re.compile(r"^\| `([^`]+)`(?: \(NIK\))? \| `([^`]+)` \| (.+) \|$", re.MULTILINE)


def demo_rows() -> list[tuple[str, str, str]]:
    """The rows of the demo table (from its header to the first line that is not a row)."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| account (log in with) |") :].split("\n\n", 1)[0]
    return ROW.findall(table)


def test_every_demo_account_is_in_the_readme_and_signs_in_with_its_password(settings, tmp_path, rf):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("load_demo", verbosity=0)
    rows = demo_rows()
    assert len(rows) >= 14, rows
    for login, password, _who in rows:
        user = authenticate(rf.post("/akun/masuk/"), username=login, password=password)
        assert user is not None, login
    listed = {login for login, _password, _who in rows}
    staff = {
        user.username
        for user in User.objects.filter(pk__in=RoleGrant.objects.active().values("user_id"))
        if user.has_usable_password()
    }
    assert staff and staff <= listed, staff - listed
