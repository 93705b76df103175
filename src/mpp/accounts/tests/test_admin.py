import pytest

from mpp.accounts.models import Role, RoleGrant, User
from mpp.audit.models import AuditAction
from mpp.audit.services import record_event

from .factories import CITIZEN_NIK, CitizenFactory, staff
from .helpers import login_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    user = User.objects.create_superuser("root", "root@contoh.go.id", "Akar-Sandi-Kuat-2026")
    login_staff(client, user)
    return user


def test_superuser_browses_users_with_masked_niks(client, superuser):
    citizen = CitizenFactory()
    listing = client.get("/admin-django/accounts/user/")
    assert listing.status_code == 200
    assert "2171********0003" in listing.content.decode()
    assert CITIZEN_NIK not in listing.content.decode()
    page = client.get(f"/admin-django/accounts/user/{citizen.pk}/change/")
    assert page.status_code == 200
    assert CITIZEN_NIK not in page.content.decode()
    assert client.get("/admin-django/accounts/user/add/").status_code == 403


def test_grants_tokens_and_audit_are_read_only(client, superuser):
    officer = staff(Role.MINISTRY_ANALYST)
    grant = RoleGrant.objects.get(user=officer)
    event = record_event(AuditAction.LOGIN, actor=officer)
    assert client.get("/admin-django/accounts/rolegrant/").status_code == 200
    assert client.get("/admin-django/audit/auditevent/").status_code == 200
    assert client.get(f"/admin-django/audit/auditevent/{event.pk}/change/").status_code == 200
    assert client.get("/admin-django/audit/auditevent/add/").status_code == 403
    response = client.post(f"/admin-django/audit/auditevent/{event.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    response = client.post(f"/admin-django/accounts/rolegrant/{grant.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert RoleGrant.objects.filter(pk=grant.pk).exists()


def test_staff_without_superuser_cannot_enter(client):
    login_staff(client, staff(Role.MINISTRY_ADMIN))
    assert client.get("/admin-django/").status_code == 302


def test_an_address_changed_in_the_admin_is_no_longer_verified(client, superuser):
    citizen = CitizenFactory()
    assert citizen.email_is_verified
    data = {"name": citizen.name, "email": "baru@contoh.id", "phone": "", "is_active": "on",
            "role_grants-TOTAL_FORMS": "0", "role_grants-INITIAL_FORMS": "0"}  # fmt: skip
    response = client.post(f"/admin-django/accounts/user/{citizen.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    citizen.refresh_from_db()
    assert citizen.email == "baru@contoh.id" and not citizen.email_is_verified
