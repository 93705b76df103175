"""What the product tells people about the transitions of the data set, as ``notify`` writes it.

For every transition a citizen is told about (grep ``notify(`` in src/mpp), one ``Notification``
(its kind, the context the hook passes, encoded as ``mpp.notifications.context`` stores it, the
link) at the moment of the transition, one ``Delivery`` per channel of the kind and what the
worker made of each a few seconds later, as ``deliver_notification`` does: the inbox ``sent`` with
its ``InboxMessage`` (subject and body rendered by the product's templates in the recipient's
language), email sent when the account has an address (the Message-ID as the product builds it)
and otherwise ``skipped`` (``no_address``), SMS skipped without a phone number, WhatsApp skipped
(``opted_out``: off until the person opts in). A guest complainant with a confirmed contact gets
``notify_contact``'s notification: no inbox, one delivery (email, or SMS through the default
``outbox`` gateway, whose ``OutboxMessage`` a relay has marked sent after a day).

The transitions: an application's submit, revision request, approval, rejection and withdrawal
(``mpp.cases.hooks``) and its issued document (``produce_document``, at the document's time; a
re-issued document tells the applicant again); a complaint's receipt, postponement and answer to
its reporter (``mpp.complaints.hooks``); an SKM invitation (``mpp.surveys.services.invite``, not
when the same citizen was invited for the same MPP and service in the 24 hours before); a
booking's reminders the day and the hour before (``mpp.queueing.hooks``). Not generated: the
escalations to MPP managers and regional admins, room bookings, activities and onboarding.

Inbox messages are read as people read them: the older, the likelier (92 % after a month, 80 %
after a week, 55 % after a day, 25 % on the day), a few hours after they arrived; so the unread
badge's partial index holds the recent unread ones, as in production.
"""

from __future__ import annotations

import datetime
import functools
import json
import uuid
from collections.abc import Iterator

from bench.data.base import Context, copy_rows

BATCH = 20_000
NATIONAL_ZONE = "Asia/Jakarta"
# A moment no row has, rendered once in the national zone and replaced by each row's own.
SAMPLE_MOMENT = datetime.datetime(2031, 7, 19, 6, 47, tzinfo=datetime.UTC)
APPLICATION_TARGETS = ["submitted", "revision_requested", "approved", "rejected", "withdrawn"]
COMPLAINT_KINDS = {
    "submit": "complaint.received",
    "postpone": "complaint.postponed",
    "respond": "complaint.answered",
}
NOTIFICATION_COLUMNS = [
    "id", "recipient_id", "address", "language", "kind", "context", "link", "created_at",
]  # fmt: skip
DELIVERY_COLUMNS = [
    "notification_id", "channel", "status", "attempts", "error", "provider_id", "created_at",
    "last_attempt_at", "sent_at",
]  # fmt: skip
INBOX_COLUMNS = [
    "id", "recipient_id", "notification_id", "kind", "subject", "body", "link", "created_at",
    "read_at",
]  # fmt: skip
OUTBOX_COLUMNS = [
    "id", "channel", "to", "text", "idempotency_key", "status", "attempts", "provider_id",
    "created_at", "sent_at",
]  # fmt: skip


class Texts:
    """The product's subject and body of a kind for a channel, rendered once per kind, channel
    and set of empty values with placeholders, then filled in per row (rendering each of
    millions of messages through the template engine would take hours)."""

    def __init__(self) -> None:
        from mpp.regions import formatting

        self.formatting = formatting
        self.cache: dict[tuple, tuple[str, str, list[str]]] = {}
        self.sample_moment = formatting.format_datetime(SAMPLE_MOMENT, NATIONAL_ZONE)
        self.sample_date = formatting.format_date(SAMPLE_MOMENT)

    def render(
        self, kind, channel, values: dict, *, link: str, name: str, has_account: bool
    ) -> tuple[str, str]:
        from mpp.notifications.base import Channel
        from mpp.notifications.rendering import render_message

        channel = Channel(channel)
        empty = tuple(sorted(k for k, v in values.items() if v in ("", None)))
        key = (kind.identifier, channel, empty, has_account)
        if key not in self.cache:
            keys = sorted(k for k, v in values.items() if k != "timezone")
            sample = {
                k: SAMPLE_MOMENT
                if isinstance(values[k], datetime.datetime)
                else ("" if k in empty else f"\x01{i}\x02")
                for i, k in enumerate(keys)
            }
            message = render_message(
                kind,
                channel,
                {**sample, "timezone": NATIONAL_ZONE},
                link="/\x01L\x02",
                language="id",
                recipient_name="\x01N\x02",
                has_account=has_account,
            )
            self.cache[key] = (message.subject, message.body, keys)
        subject, body, keys = self.cache[key]
        zone = values.get("timezone") or NATIONAL_ZONE
        swaps = [("\x01N\x02", name), ("/\x01L\x02", link)]
        for i, k in enumerate(keys):
            value = values[k]
            if isinstance(value, datetime.datetime):
                swaps.append((self.sample_moment, self.formatting.format_datetime(value, zone)))
                swaps.append((self.sample_date, self.formatting.format_date(value)))
            elif value not in ("", None):
                swaps.append((f"\x01{i}\x02", str(value)))
        for placeholder, value in swaps:
            subject = subject.replace(placeholder, value)
            body = body.replace(placeholder, value)
        return subject[:255], body


class Writer:
    """Buffers the rows of ``notify`` / ``notify_contact`` and COPYs them in slices."""

    def __init__(self, ctx: Context) -> None:
        from mpp.notifications.models import NotificationPreference
        from mpp.notifications.registry import kinds
        from mpp.notifications.services import _email_message_id

        self.ctx = ctx
        self.rng = ctx.rng("notifications")
        self.kinds = kinds
        self.message_id = _email_message_id
        self.texts = Texts()
        self.preferences = {p.user_id: p for p in NotificationPreference.objects.all()}
        self.inbox_id = ctx.next_id("notifications_inboxmessage")
        self.outbox_id = ctx.next_id("notifications_outboxmessage")
        self.rows: dict[str, list[tuple]] = {"n": [], "d": [], "i": [], "o": []}
        self.counts = {"n": 0, "d": 0, "i": 0, "o": 0}

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _worker(self, at: datetime.datetime) -> datetime.datetime:
        return at + datetime.timedelta(seconds=self.rng.randint(1, 30))

    def _read_at(self, at: datetime.datetime) -> datetime.datetime | None:
        age = (self.ctx.anchor - at).total_seconds() / 86400
        share = 0.92 if age > 30 else 0.8 if age > 7 else 0.55 if age > 1 else 0.25
        if self.rng.random() >= share:
            return None
        read = at + datetime.timedelta(hours=self.rng.expovariate(1 / 6))
        return read if read < self.ctx.anchor else None

    def _outbox(self, channel: str, to: str, text: str, key: str, at: datetime.datetime) -> str:
        pk, self.outbox_id = self.outbox_id, self.outbox_id + 1
        relayed = at + datetime.timedelta(hours=1) < self.ctx.anchor
        self.rows["o"].append(
            (pk, channel, to, text, key, "sent" if relayed else "queued", 1 if relayed else 0,
             "", at, at + datetime.timedelta(minutes=self.rng.randint(1, 50)) if relayed else None)
        )  # fmt: skip
        return f"outbox-{pk}"

    def account(self, user: tuple, kind_name: str, values: dict, link: str, at) -> None:
        """``notify(user, kind, values, link=link)`` at ``at``, delivered by the worker."""
        from mpp.notifications.context import encode

        user_id, name, email, phone = user
        kind = self.kinds.get(kind_name)
        nid = self._uuid()
        self.rows["n"].append(
            (nid, user_id, "", "", kind_name, json.dumps(encode(values)), link, at)
        )
        preference = self.preferences.get(user_id)
        sent = self._worker(at)
        for channel in sorted(kind.channels):
            allowed = preference.allows(channel) if preference else channel != "whatsapp"
            address = {"email": email, "inbox": "x", "sms": phone, "whatsapp": phone}[channel]
            if not allowed or not address:
                self.rows["d"].append(
                    (nid, channel, "skipped", 0, "opted_out" if not allowed else "no_address",
                     "", at, None, None)
                )  # fmt: skip
                continue
            subject, body = self.texts.render(
                kind, channel, values, link=link, name=name, has_account=True
            )
            key = f"mpp-{nid}-{channel}"
            if channel == "inbox":
                pk, self.inbox_id = self.inbox_id, self.inbox_id + 1
                self.rows["i"].append(
                    (pk, user_id, nid, kind_name, subject, body, link, sent, self._read_at(sent))
                )
                provider = str(pk)
            elif channel == "email":
                provider = self.message_id(key)
            else:
                provider = self._outbox(channel, phone, body, key, sent)
            self.rows["d"].append((nid, channel, "sent", 1, "", provider, at, sent, sent))
        self._maybe_flush()

    def contact(self, address: str, language: str, kind_name: str, values, link, at) -> None:
        """``notify_contact(address, kind, values, link=link, language=language)`` at ``at``."""
        from mpp.notifications.context import encode

        kind = self.kinds.get(kind_name)
        nid = self._uuid()
        self.rows["n"].append(
            (nid, None, address, language, kind_name, json.dumps(encode(values)), link, at)
        )
        channel = "email" if "@" in address else "sms"
        sent = self._worker(at)
        key = f"mpp-{nid}-{channel}"
        if channel == "email":
            provider = self.message_id(key)
        else:
            _subject, body = self.texts.render(
                kind, channel, values, link=link, name="", has_account=False
            )
            provider = self._outbox(channel, address, body, key, sent)
        self.rows["d"].append((nid, channel, "sent", 1, "", provider, at, sent, sent))
        self._maybe_flush()

    def _maybe_flush(self) -> None:
        if len(self.rows["n"]) >= BATCH:
            self.flush()

    def flush(self) -> None:
        from mpp.notifications.models import Delivery, InboxMessage, Notification, OutboxMessage

        cursor = self.ctx.cursor
        for key, model, columns in (
            ("n", Notification, NOTIFICATION_COLUMNS),
            ("d", Delivery, DELIVERY_COLUMNS),
            ("i", InboxMessage, INBOX_COLUMNS),
            ("o", OutboxMessage, OUTBOX_COLUMNS),
        ):
            if self.rows[key]:
                self.counts[key] += copy_rows(cursor, model, columns, self.rows[key])
                self.rows[key].clear()


def _stream(ctx: Context, name: str, sql: str, params: list) -> Iterator[tuple]:
    """Rows of ``sql`` from a server-side cursor in the run's transaction: the COPYs of the
    writer go between two fetches on the same connection."""
    # A cursor is planned for its first rows by default (nested loops); these are read to the end.
    ctx.cursor.execute("SET LOCAL cursor_tuple_fraction = 1")
    raw = ctx.cursor.cursor.connection
    with raw.cursor(name=f"bench_{name}") as cursor:
        cursor.itersize = 5000
        cursor.execute(sql, params)
        yield from cursor


def generate(ctx: Context) -> None:
    from django.contrib.contenttypes.models import ContentType

    from mpp.cases.models import Application
    from mpp.complaints.models import Complaint

    ctx.analyze(
        "cases_application", "workflows_transitionrecord", "documents_issueddocument",
        "complaints_complaint", "surveys_invitation", "queueing_ticket", "accounts_user",
    )  # fmt: skip
    writer = Writer(ctx)
    first_application = ctx.state.get("first_application", 0)
    bar = ctx.progress.add_task("notifications (sources)", total=4)
    application_type = ContentType.objects.get_for_model(Application).pk
    complaint_type = ContentType.objects.get_for_model(Complaint).pk
    user = "u.id, coalesce(nullif(u.name, ''), u.username), u.email, u.phone"
    reachable = "(NOT u.is_light_record OR u.email <> '' OR u.phone <> '')"
    application = f"""
        a.id, a.tracking_number, v.name, r.timezone, a.due_at, {user}
        FROM cases_application a
        JOIN catalog_serviceversion v ON v.id = a.service_version_id
        JOIN catalog_mpp m ON m.id = a.mpp_id JOIN regions_region r ON r.code = m.region_id
        JOIN accounts_user u ON u.id = a.applicant_id
    """

    def told(row, kind: str, extra: dict, at) -> None:
        app_id, tracking, service, zone = row[:4]
        values = {"tracking_number": tracking, "service_name": service, "timezone": zone, **extra}
        writer.account(row[5:9], f"application.{kind}", values, f"/permohonan/{app_id}/", at)

    for row in _stream(
        ctx,
        "transitions",
        f"SELECT t.to_state, t.note, t.at, {application} "
        "JOIN workflows_transitionrecord t ON t.object_id = a.id::text AND t.content_type_id = %s "
        f"WHERE a.id >= %s AND t.to_state = ANY(%s) AND {reachable}",
        [application_type, first_application, APPLICATION_TARGETS],
    ):
        target, note, at, *rest = row
        extra: dict = {}
        if target == "submitted":
            extra["due_at"] = rest[4] or at + datetime.timedelta(days=7)
        if target in ("revision_requested", "rejected"):
            extra["reason"] = note
        told(rest, target, extra, at)
    ctx.progress.update(bar, completed=1)
    for row in _stream(
        ctx,
        "documents",
        f"SELECT d.number, d.issued_at, {application} "
        "JOIN documents_issueddocument d ON d.source_object_id = a.id::text "
        f"AND d.source_content_type_id = %s WHERE a.id >= %s AND {reachable}",
        [application_type, first_application],
    ):
        number, at, *rest = row
        told(rest, "issued", {"document_number": number}, at)
    ctx.progress.update(bar, completed=2)
    for row in _stream(
        ctx,
        "complaints",
        "SELECT t.action, t.note, t.at, c.tracking_number, c.follow_token, c.reporter_email, "
        "c.reporter_phone, c.contact_confirmed, c.reporter_language, u.id, "
        "coalesce(nullif(u.name, ''), u.username), u.email, u.phone "
        "FROM complaints_complaint c JOIN workflows_transitionrecord t "
        "ON t.object_id = c.id::text AND t.content_type_id = %s "
        "LEFT JOIN accounts_user u ON u.id = c.reporter_id WHERE t.action = ANY(%s)",
        [complaint_type, list(COMPLAINT_KINDS)],
    ):
        action, note, at, tracking, follow, email, phone, confirmed, language, *reporter = row
        values: dict = {"tracking_number": tracking}
        if action == "submit":
            values["due_at"] = at + datetime.timedelta(days=3 * 7 / 5)
        elif action == "postpone":
            values["reason"] = note
        else:
            values["reply_until"] = at + datetime.timedelta(days=10)
        link = f"/pengaduan/lacak/{follow}/"
        if reporter[0] is not None:
            writer.account(tuple(reporter), COMPLAINT_KINDS[action], values, link, at)
        elif confirmed and (email or phone):
            writer.contact(email or phone, language or "id", COMPLAINT_KINDS[action], values,
                           link, at)  # fmt: skip
    ctx.progress.update(bar, completed=3)
    for row in _stream(
        ctx,
        "invitations",
        f"""
        SELECT i.id, coalesce(s.name, ''), i.expires_at, coalesce(r.timezone, %s), i.finished_at,
               {user}
        FROM (SELECT i.*, lag(i.finished_at) OVER (
                PARTITION BY i.citizen_id, i.mpp_id, i.service_id ORDER BY i.finished_at, i.id
              ) AS previous
              FROM surveys_invitation i WHERE i.citizen_id IS NOT NULL) i
        JOIN accounts_user u ON u.id = i.citizen_id
        LEFT JOIN catalog_service s ON s.id = i.service_id
        LEFT JOIN regions_region r ON r.code = i.region_id
        WHERE (i.previous IS NULL OR i.previous < i.finished_at - interval '24 hours')
          AND {reachable}
        """,  # noqa: S608 - table and column names only, no value
        [NATIONAL_ZONE],
    ):
        pk, unit, expires, zone, finished, *citizen = row
        values = {"unit_name": unit, "expires_at": expires, "timezone": zone}
        writer.account(tuple(citizen), "survey.invited", values, f"/skm/isi/bench-skm-{pk}/",
                       finished)  # fmt: skip
    for row in _stream(
        ctx,
        "reminders",
        f"""
        SELECT k.id, k.code, k.booking_code, s.name, m.name, k.date, k.slot_starts,
               k.reminded_day_at, k.reminded_hour_at, {user}
        FROM queueing_ticket k JOIN accounts_user u ON u.id = k.citizen_id
        JOIN catalog_service s ON s.id = k.service_id JOIN catalog_mpp m ON m.id = k.mpp_id
        WHERE k.reminded_hour_at IS NOT NULL OR k.reminded_day_at IS NOT NULL
        """,  # noqa: S608 - table and column names only, no value
        [],
    ):
        pk, code, booking, service, mpp, date, starts, day_at, hour_at, *citizen = row
        values = {
            "code": code, "booking_code": booking, "service_name": service, "mpp_name": mpp,
            "date": _long_date(date), "time": f"{starts:%H.%M}",
        }  # fmt: skip
        link = f"/antrean/saya/{pk}/"
        if day_at is not None and day_at != hour_at:
            writer.account(tuple(citizen), "queue.reminder_day", values, link, day_at)
        if hour_at is not None:
            writer.account(tuple(citizen), "queue.reminder_hour", values, link, hour_at)
    writer.flush()
    ctx.progress.update(bar, completed=4)
    for table, key in (
        ("notifications_notification", "n"),
        ("notifications_delivery", "d"),
        ("notifications_inboxmessage", "i"),
        ("notifications_outboxmessage", "o"),
    ):
        ctx.counts[table] = ctx.counts.get(table, 0) + writer.counts[key]


@functools.cache
def _long_date(day: datetime.date) -> str:
    """``19 Juli 2031`` as ``date_format(date, "j F Y")`` writes it in Indonesian."""
    from django.utils import translation
    from django.utils.formats import date_format

    with translation.override("id"):
        return date_format(day, "j F Y")
