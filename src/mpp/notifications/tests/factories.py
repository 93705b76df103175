"""Factories for notification tests: recipients with every address, inbox messages, preferences."""

from __future__ import annotations

import factory
from django.utils import timezone

from mpp.accounts.models import User
from mpp.notifications.models import InboxMessage, NotificationPreference


class RecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"penerima-{n}")
    name = factory.Sequence(lambda n: f"Penerima {n}")
    nik = factory.Sequence(lambda n: f"217101150890{n + 1:04d}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@contoh.id")
    phone = factory.Sequence(lambda n: f"+62812000{n:05d}")


class PreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NotificationPreference

    user = factory.SubFactory(RecipientFactory)
    language = "id"
    email_enabled = True
    sms_enabled = True
    whatsapp_enabled = True


class InboxMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InboxMessage

    recipient = factory.SubFactory(RecipientFactory)
    kind = "test.ping"
    subject = factory.Sequence(lambda n: f"Pesan nomor {n}")
    body = "Isi pesan.\n\nParagraf kedua."
    link = ""
    created_at = factory.LazyFunction(timezone.now)
