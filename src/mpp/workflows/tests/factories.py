from __future__ import annotations

import factory

from mpp.accounts.models import User
from mpp.workflows.tests.testapp.models import Permit


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"pengguna{n}")
    name = factory.Sequence(lambda n: f"Pengguna {n}")


class PermitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Permit

    title = "Surat Izin Praktik"
