"""Factories for accounts: citizens, staff with a role grant, and the demo tenancy."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from mpp.accounts.models import Role, RoleGrant, User

CITIZEN_NIK = "2171011508900003"
CITIZEN_BIRTH_DATE = datetime.date(1990, 8, 15)
PASSWORD = "Kata-Sandi-Kuat-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pengguna{n}")
    name = factory.Sequence(lambda n: f"Pengguna {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@contoh.id")
    # Verified by default (as the demo accounts are); tests of verification register for real.
    email_verified_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CitizenFactory(UserFactory):
    username = factory.Sequence(lambda n: f"warga-{n}")
    nik = CITIZEN_NIK
    birth_date = CITIZEN_BIRTH_DATE


def staff(role: Role, *, username: str | None = None, **scope) -> User:
    """A user holding ``role`` on ``scope`` (agency=, mpp=, region=)."""
    user = UserFactory.create(**({"username": username} if username else {}))
    RoleGrant.objects.create(user=user, role=role, **scope)
    return user


def load_demo() -> dict:
    """The demo tenancy and accounts; returns the demo users by username and the MPPs."""
    from mpp.accounts import demo as accounts_demo
    from mpp.catalog import demo as catalog_demo
    from mpp.regions.data import load_regions
    from mpp.regions.models import Province, Region

    if not Region.objects.filter(code="2171").exists():
        load_regions(Province, Region)  # a transactional test flushed the migration's data
    mpps = catalog_demo.load()
    accounts_demo.load()
    return {"mpps": mpps, "users": {u.username: u for u in User.objects.all()}}
