from __future__ import annotations

import factory

from mpp.accounts.models import Role, RoleGrant, User
from mpp.regions.models import Province, Region
from mpp.tenancy.models import MPP, Agency, AgencyPresence


def batam() -> Region:
    """Kota Batam (loaded by the regions data migration; created when tests skip migrations)."""
    province, _ = Province.objects.get_or_create(
        code="21", defaults={"name": "Kepulauan Riau", "timezone": "Asia/Jakarta"}
    )
    region, _ = Region.objects.get_or_create(
        code="2171",
        defaults={
            "province": province,
            "name": "Kota Batam",
            "kind": Region.Kind.KOTA,
            "capital": "Batam",
            "timezone": "Asia/Jakarta",
        },
    )
    return region


class MPPFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MPP

    region = factory.LazyFunction(batam)
    name = factory.Sequence(lambda n: f"Mal Pelayanan Publik Uji {n}")
    slug = factory.Sequence(lambda n: f"mpp-uji-{n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Dinas Kesehatan Uji {n} Kota Batam")
    short_name = "Dinkes"
    slug = factory.Sequence(lambda n: f"dinkes-uji-{n}")
    kind = Agency.Kind.REGIONAL
    region = factory.LazyFunction(batam)


class PresenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyPresence

    agency = factory.SubFactory(AgencyFactory)
    mpp = factory.SubFactory(MPPFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"petugas{n}")
    name = factory.Sequence(lambda n: f"Petugas Uji {n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.test")


def officer_of(presence: AgencyPresence) -> User:
    user = UserFactory.create()
    RoleGrant.objects.create(user=user, role=Role.OFFICER, agency=presence.agency, mpp=presence.mpp)
    return user
