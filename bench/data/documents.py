"""The issued document of every issued application, as ``mpp.cases.services.produce_document``
writes it (metadata only: no PDF is rendered, signed or stored).

For each issued application of the data set: one ``IssuedDocument`` in state ``valid``, reserved
when the officer issued (``created_at`` = the application's ``issuing_started_at``) and finished by
the worker 20 s to 3 min later (``issued_at``), with the number the product takes from the yearly
sequence of the agency's prefix (``<prefix>/<year>/<000001>``, in the order of the applications),
title, holder and template context from the product's ``document_content`` (the service version's
document template applied to the application's answers), a verification code (24 URL-safe
characters, unique) and a file key, the storage name ``documents/<year>/<file key>.pdf`` (the file
itself is not written: downloading it answers as a missing file) and a SHA-256; ``source_key``
``application:<id>`` and the generic link to the application; the issuing officer. With it, as the
product writes it: the audit event ``document_issued``, the ``DocumentNumberSequence`` rows
continued after the numbers, and the application's ``issued_document`` link. About 3 in 1,000
documents were re-issued later (a misspelt name corrected): the first one revoked with a reason,
a second one ``replaces`` it with its own number and code, and the application points to it.

When the ``cases`` module runs in the same run it has already written each issued application's
``issued_document_id`` (the id given here), so nothing is updated; added later (``--add
documents``), the links are written with one ``UPDATE ... FROM`` at the end.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bench.data.base import Context, copy_rows, replace_counters, token

if TYPE_CHECKING:
    from mpp.catalog.form_schema import FormDefinition

BATCH = 20_000
REISSUED = 0.003
REISSUE_REASON = "Nama pemegang salah tulis; dokumen diterbitkan ulang dengan nama yang benar."
DOCUMENT_COLUMNS = [
    "id", "number", "title", "holder_name", "holder_nik", "issuer_id", "issued_at", "valid_from",
    "valid_until", "verification_code", "file_key", "file", "sha256", "status", "template_name",
    "render_context", "revoked_at", "revoked_by_id", "revoked_reason", "replaces_id",
    "issued_by_id", "reissue_reason", "source_content_type_id", "source_object_id", "source_key",
    "created_at", "updated_at",
]  # fmt: skip
AUDIT_COLUMNS = ["at", "actor_id", "action", "target_type", "target_id", "summary", "data"]

ISSUED = """
SELECT a.id, a.issued_document_id, a.agency_id, a.service_version_id, a.tracking_number,
       a.data::text, a.issuing_started_at, a.assigned_to_id, u.name, coalesce(u.nik, '')
FROM cases_application a JOIN accounts_user u ON u.id = a.applicant_id
WHERE a.status = 'issued' AND a.id >= %s AND a.id > %s
  AND NOT EXISTS (SELECT 1 FROM documents_issueddocument d WHERE d.source_key = 'application:' || a.id)
ORDER BY a.id LIMIT %s
"""


class Issuers:
    """Per agency: the number prefix as the product's ``issuer_identity`` makes it (the
    ``IssuerProfile``'s, else ``<region>/<agency code>``) and the zone of the agency's region;
    read in two queries (one per agency took minutes)."""

    def __init__(self) -> None:
        from mpp.documents.models import IssuerProfile
        from mpp.documents.selectors import _agency_code
        from mpp.tenancy.models import Agency

        profiles = dict(IssuerProfile.objects.values_list("agency_id", "number_prefix"))
        self.known: dict[int, tuple[str, ZoneInfo]] = {}
        for agency in Agency.objects.select_related("region"):
            prefix = profiles.get(agency.pk) or f"{agency.region_id}/{_agency_code(agency)}"
            self.known[agency.pk] = (prefix, ZoneInfo(agency.region.timezone))

    def of(self, agency_id: int) -> tuple[str, ZoneInfo]:
        return self.known[agency_id]


class Contents:
    """The product's ``document_content`` per row, from the service versions read in one query
    (each form parsed when first met)."""

    def __init__(self) -> None:
        from mpp.catalog.models import ServiceVersion

        fields = ("id", "name", "product", "document_template", "form_definition")
        self.versions = {v.pk: v for v in ServiceVersion.objects.only(*fields)}
        self.forms: dict[int, FormDefinition] = {}

    def of(self, version_id: int, data: dict, name: str, nik: str, tracking: str):
        from mpp.catalog.document_template import document_content

        version = self.versions[version_id]
        if version_id not in self.forms:
            self.forms[version_id] = version.form
        return document_content(
            version.document_template,
            self.forms[version_id],
            data,
            product=version.product or version.name,
            applicant_name=name,
            applicant_nik=nik,
            tracking_number=tracking,
        )


def generate(ctx: Context) -> None:
    from django.contrib.contenttypes.models import ContentType
    from django.core.serializers.json import DjangoJSONEncoder

    from mpp.audit.models import AuditAction, AuditEvent
    from mpp.cases.models import Application
    from mpp.documents.models import DocumentNumberSequence, IssuedDocument
    from mpp.documents.rendering import DEFAULT_TEMPLATE

    rng = ctx.rng("documents")
    cursor = ctx.cursor
    ctx.analyze("cases_application", "accounts_user", "documents_issueddocument")
    issuers, contents = Issuers(), Contents()
    content_type = ContentType.objects.get_for_model(Application).pk
    sequences = {(s.prefix, s.year): s.last_value for s in DocumentNumberSequence.objects.all()}
    first_application = ctx.state.get("first_application", 0)
    cursor.execute(
        "SELECT count(*), coalesce(max(a.issued_document_id), 0) FROM cases_application a "
        "WHERE a.status = 'issued' AND a.id >= %s",
        [first_application],
    )
    total, linked_max = cursor.fetchone()
    next_id = max(linked_max + 1, ctx.next_id("documents_issueddocument"))
    anchor = ctx.anchor
    links: list[tuple[int, int]] = []  # (application, document) to write when not linked yet
    bar = ctx.progress.add_task("issued documents", total=total)
    done = written = audits = 0
    after = 0

    def number(agency: int, at: datetime.datetime) -> tuple[str, datetime.date]:
        prefix, zone = issuers.of(agency)
        day = at.astimezone(zone).date()
        key = (prefix, day.year)
        sequences[key] = sequences.get(key, 0) + 1
        return f"{key[0]}/{day.year}/{sequences[key]:06d}", day

    while True:
        cursor.execute(ISSUED, [first_application, after, BATCH])
        batch = cursor.fetchall()
        if not batch:
            break
        after = batch[-1][0]
        documents: list[tuple] = []
        events: list[tuple] = []
        for app_id, linked, agency, version, tracking, data, issuing, officer, name, nik in batch:
            content = contents.of(version, json.loads(data), name, nik, tracking)
            context = json.dumps(
                {**content.context, "public_base_url": ""},
                cls=DjangoJSONEncoder,
                ensure_ascii=False,
                separators=(",", ":"),
            )
            issued_at = min(
                issuing + datetime.timedelta(seconds=rng.randint(20, 180)),
                anchor - datetime.timedelta(seconds=1),
            )
            reissued_at = issued_at + datetime.timedelta(days=rng.uniform(1, 60))
            reissue = rng.random() < REISSUED and reissued_at < anchor
            current = linked
            if current is None:
                current = next_id
                next_id += 1
                links.append((app_id, current))
            rows = [(current, issued_at, None)]
            if reissue:
                # The first document takes an id of its own; the application keeps the link.
                rows = [(next_id, issued_at, None), (current, reissued_at, next_id)]
                next_id += 1
            for doc_id, at, replaces in rows:
                code, file_key = token(rng, 18), token(rng, 24)
                doc_number, day = number(agency, at)
                revoked = reissue and replaces is None
                documents.append(
                    (doc_id, doc_number, content.title, content.holder_name, content.holder_nik,
                     agency, at, day, None, code, file_key, f"documents/{at:%Y}/{file_key}.pdf",
                     hashlib.sha256(file_key.encode()).hexdigest(),
                     "revoked" if revoked else "valid", DEFAULT_TEMPLATE, context,
                     reissued_at if revoked else None, officer if revoked else None,
                     REISSUE_REASON if revoked else "", replaces, officer,
                     REISSUE_REASON if replaces else "", content_type, str(app_id),
                     f"application:{app_id}" + (":ulang" if replaces else ""),
                     at - datetime.timedelta(seconds=10), reissued_at if revoked else at)
                )  # fmt: skip
                target = ("documents.issueddocument", str(doc_id), doc_number)
                if revoked:
                    events.append((reissued_at, officer, AuditAction.DOCUMENT_REVOKED.value,
                                   *target, "{}"))  # fmt: skip
                events.append((at, officer if replaces else None,
                               AuditAction.DOCUMENT_ISSUED.value, *target, "{}"))  # fmt: skip
        written += copy_rows(cursor, IssuedDocument, DOCUMENT_COLUMNS, documents)
        audits += copy_rows(cursor, AuditEvent, AUDIT_COLUMNS, events)
        done += len(batch)
        ctx.progress.update(bar, completed=done)
    ctx.progress.update(bar, completed=done, total=done)
    ctx.counts["documents_issueddocument"] = ctx.counts.get("documents_issueddocument", 0) + written
    ctx.counts["audit_auditevent"] = ctx.counts.get("audit_auditevent", 0) + audits
    if links:
        cursor.execute("CREATE TEMPORARY TABLE bench_links (app bigint, doc bigint) ON COMMIT DROP")
        with cursor.copy("COPY bench_links (app, doc) FROM STDIN") as copy:
            for row in links:
                copy.write_row(row)
        cursor.execute(
            "UPDATE cases_application a SET issued_document_id = l.doc "
            "FROM bench_links l WHERE a.id = l.app"
        )
    replace_counters(
        ctx,
        DocumentNumberSequence,
        ["prefix", "year", "last_value"],
        sequences,
        label="document number sequences",
    )
