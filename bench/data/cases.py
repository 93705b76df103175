"""Applications over two years, with their workflow history and uploaded-document metadata.

Applications are generated day by day (ids grow with time, as in production), more on working
days, each at an MPP drawn by the MPP's weight and for one of its services (population services
five times as often as the others), by a citizen of that kab/kota (the demo citizen gets about
thirty at Kota Batam). Older than 20 days an application is finished (issued, rejected or
withdrawn); younger ones are spread over the open states. Every applied action is a
``TransitionRecord`` as ``mpp.workflows.services`` writes it (submit, claim, revision and resubmit,
approve, issue, reject, withdraw), the deadline clock fields follow the service's time limit, and
each file field of the form has an ``ApplicationDocument`` row (metadata only: the files are not
written, so downloading one meets a missing file: see docs/performance.md). Tracking numbers
follow ``2171-YYMMDD-0001`` and the ``TrackingSequence`` rows continue after them.
"""

from __future__ import annotations

import datetime
import hashlib
from zoneinfo import ZoneInfo

from bench.data.base import (
    Context,
    as_json,
    cumulate,
    replace_counters,
    token,
    weighted_index,
)

DAYS = 730
OPEN_DAYS = 20
TZ_OFFSET = {"Asia/Jakarta": 7, "Asia/Makassar": 8, "Asia/Jayapura": 9}
CATEGORY_WEIGHT = {"kependudukan": 5.0}
NOTES = {
    "request_revision": "Mohon unggah ulang dokumen persyaratan yang terbaca jelas.",
    "reject": "Persyaratan tidak lengkap setelah batas waktu perbaikan.",
}


class Plan:
    """One service's constants, computed once: form answers, file fields, clock."""

    def __init__(self, service, region_code: str) -> None:
        version = service.current_version
        self.service_id, self.version_id = service.id, version.id
        self.agency_id, self.mpp_id, self.region = service.agency_id, service.mpp_id, region_code
        self.unit = (service.agency_id, service.mpp_id)
        self.skip_approval = version.skip_approval
        self.hours = version.time_limit_unit == "hours"
        self.limit = version.time_limit
        self.workflow = "application_without_approval" if self.skip_approval else "application"
        self.counter_only = version.channel == "counter"
        self.files, self.answers, self.nik_fields = [], {}, []
        for spec in version.form_definition:
            kind = spec.get("type")
            if kind == "file":
                visible = spec.get("visible_if")
                if visible is None or self.answers.get(visible["field"]) == visible["value"]:
                    self.files.append(spec["name"])
            elif kind == "nik":
                self.nik_fields.append(spec["name"])
            elif kind == "choice":
                self.answers[spec["name"]] = spec["choices"][0]["value"]
            elif kind == "date":
                self.answers[spec["name"]] = "2000-01-01"
            elif kind == "region":
                self.answers[spec["name"]] = region_code
            else:
                self.answers[spec["name"]] = "Contoh isian"

    def clock(self, start: datetime.datetime) -> datetime.timedelta:
        if self.hours:
            return datetime.timedelta(hours=self.limit)
        return datetime.timedelta(days=self.limit * 7 / 5)


def _status(age_days: float, rng, plan: Plan) -> str:
    r = rng.random()
    if r < 0.02:
        return "draft"
    if age_days > OPEN_DAYS:
        return "issued" if r < 0.86 else "rejected" if r < 0.93 else "withdrawn"
    if age_days < 1:
        return "submitted" if r < 0.6 else "in_review"
    if r < 0.18:
        return "submitted"
    if r < 0.45:
        return "in_review"
    if r < 0.55:
        return "revision_requested"
    if r < 0.65:
        return "in_review" if plan.skip_approval else "approved"
    return "issued" if r < 0.9 else "rejected" if r < 0.95 else "withdrawn"


def _path(status: str, rng, plan: Plan) -> list[tuple[str, str, str, str]]:
    """The actions to reach ``status``: (action, from, to, actor kind)."""
    submit = ("submit", "draft", "submitted", "citizen")
    claim = ("claim", "submitted", "in_review", "officer")
    if status == "draft":
        return []
    if status == "submitted":
        return [submit]
    if status == "withdrawn":
        return [submit, ("withdraw", "submitted", "withdrawn", "citizen")]
    steps = [submit, claim]
    if status == "in_review":
        return steps
    if status == "revision_requested":
        return [*steps, ("request_revision", "in_review", "revision_requested", "officer")]
    if rng.random() < 0.15:
        steps += [
            ("request_revision", "in_review", "revision_requested", "officer"),
            ("resubmit", "revision_requested", "in_review", "citizen"),
        ]
    if status == "rejected":
        return [*steps, ("reject", "in_review", "rejected", "officer")]
    if plan.skip_approval:
        return [*steps, ("issue", "in_review", "issued", "officer")]
    steps.append(("approve", "in_review", "approved", "officer"))
    if status == "approved":
        return steps
    return [*steps, ("issue", "approved", "issued", "officer")]


def generate(ctx: Context) -> None:
    from django.contrib.contenttypes.models import ContentType

    from mpp.cases.models import Application, ApplicationDocument, TrackingSequence
    from mpp.workflows.models import TransitionRecord

    rng = ctx.rng("cases")
    mpps = ctx.facts["mpps"]
    mpp_weights = ctx.facts["mpp_weights"]
    blocks = ctx.facts["citizen_blocks"]
    officers = ctx.facts["officers"]
    demo_citizen = ctx.facts["demo_citizen"]
    plans = {m.pk: [Plan(s, m.region_id) for s in ctx.facts["services"][m.pk]] for m in mpps}
    plan_weights = {
        pk: cumulate(CATEGORY_WEIGHT.get(s.category, 1.0) for s in ctx.facts["services"][pk])
        for pk in plans
    }
    zones = {m.pk: m.region.timezone for m in mpps}
    demo_share = 30 / max(1.0, ctx.applications * (mpp_weights[0] / mpp_weights[-1]))
    content_type = ContentType.objects.get_for_model(Application).pk
    sequences = {(s.region_id, s.day): s.last_value for s in TrackingSequence.objects.all()}
    first_app = ctx.next_id("cases_application")
    first_doc = ctx.next_id("cases_applicationdocument")
    ctx.state["first_application"] = first_app
    # With the documents module in the same run, each issued application points to the id its
    # IssuedDocument will get (bench/data/documents.py writes it with that id): no UPDATE of
    # millions of applications afterwards. The foreign key is checked at the end of the run.
    link_documents = "documents" in ctx.modules
    first_issued = ctx.next_id("documents_issueddocument")
    n = ctx.applications
    anchor = ctx.anchor
    start_day = (anchor - datetime.timedelta(days=DAYS)).date()
    # Working days carry five times a weekend day's applications; the day totals add up to n.
    day_weights = [
        5.0 if (start_day + datetime.timedelta(days=d)).weekday() < 5 else 1.0 for d in range(DAYS)
    ]
    per_weight = n / sum(day_weights)
    transitions: list[tuple] = []
    documents: list[tuple] = []

    def applications():
        app_id, doc_id, made, carry = first_app, first_doc, 0, 0.0
        issued_id = first_issued
        for d in range(DAYS):
            carry += day_weights[d] * per_weight
            today = int(carry) if d < DAYS - 1 else n - made
            carry -= today
            day = start_day + datetime.timedelta(days=d)
            for _ in range(today):
                mpp = mpps[weighted_index(mpp_weights, rng)]
                plan = plans[mpp.pk][weighted_index(plan_weights[mpp.pk], rng)]
                offset = TZ_OFFSET[zones[mpp.pk]]
                created = datetime.datetime(
                    day.year, day.month, day.day, tzinfo=datetime.UTC
                ) + datetime.timedelta(hours=8 - offset, seconds=rng.randint(0, 7 * 3600))
                if created >= anchor:
                    created = anchor - datetime.timedelta(minutes=rng.randint(5, 600))
                age = (anchor - created).total_seconds() / 86400
                status = _status(age, rng, plan)
                low, high = blocks[mpp.pk]
                applicant = (
                    demo_citizen
                    if mpp.pk == mpps[0].pk and rng.random() < demo_share
                    else rng.randrange(low, high)
                )
                counter = plan.counter_only or rng.random() < 0.25
                unit_officers = officers.get(plan.unit) or [None]
                officer = rng.choice(unit_officers)
                steps = _path(status, rng, plan)
                # Timeline: submit within the hour, claim within a working day, decisions inside
                # the time limit (one in ten late), issue soon after the approval.
                window = plan.clock(created)
                at = created + datetime.timedelta(minutes=rng.randint(3, 60))
                submitted_at = at if steps else None
                local_day = created.astimezone(ZoneInfo(zones[mpp.pk])).date()
                key = (plan.region, local_day)
                sequences[key] = sequences.get(key, 0) + 1
                tracking = f"{plan.region}-{local_day:%y%m%d}-{sequences[key]:04d}"
                due = submitted_at + window if submitted_at else None
                decided = paused = stopped = breached = issuing = None
                assigned = None
                version = 0
                for action, source, target, kind in steps:
                    if action != "submit":
                        span = window * rng.uniform(0.05, 0.35 if rng.random() > 0.1 else 0.6)
                        at = at + span
                        if at >= anchor:
                            at = anchor - datetime.timedelta(seconds=rng.randint(60, 3600))
                    version += 1
                    if kind == "officer":
                        actor, actor_kind = officer, "officer"
                        assigned = officer
                    elif counter and action == "submit":
                        actor, actor_kind = officer, "counter"
                    else:
                        actor, actor_kind = applicant, "citizen"
                    if action in ("approve", "reject") or (
                        action == "issue" and plan.skip_approval
                    ):
                        decided = at
                    if action == "issue":
                        issuing = at
                    if action in ("issue", "reject", "withdraw"):
                        stopped = at
                    if action == "request_revision":
                        paused = at
                    if action == "resubmit":
                        paused = None
                        due = at + window * 0.5
                    transitions.append(
                        (content_type, str(app_id), plan.workflow, action, source, target,
                         version, actor, actor_kind, NOTES.get(action, ""), at, "{}",
                         plan.region, plan.mpp_id, plan.agency_id)
                    )  # fmt: skip
                if status == "revision_requested":
                    remaining_days = None if plan.hours else 2
                    remaining_seconds = 3600 if plan.hours else None
                    due = None
                else:
                    remaining_days = remaining_seconds = None
                if due is not None and stopped is None and due < anchor:
                    breached = due
                data = dict(plan.answers)
                for name in plan.nik_fields:
                    data[name] = f"{plan.region}01{rng.randint(10**9, 10**10 - 1)}"[:16]
                if status != "draft" or rng.random() < 0.5:
                    for name in plan.files:
                        data[name] = str(doc_id)
                        documents.append(
                            (doc_id, app_id, name,
                             f"applications/{created:%Y/%m}/{token(rng)}.pdf",
                             f"{name}.pdf", "application/pdf", rng.randint(40_000, 900_000),
                             hashlib.sha256(str(doc_id).encode()).hexdigest(),
                             applicant, created + datetime.timedelta(minutes=1), None)
                        )  # fmt: skip
                        doc_id += 1
                made += 1
                issued_document = None
                if link_documents and status == "issued":
                    issued_document, issued_id = issued_id, issued_id + 1
                yield (
                    app_id, status, version, due, breached,
                    ("hours" if plan.hours else "working_days") if submitted_at else "",
                    paused, stopped, remaining_days, remaining_seconds, tracking,
                    plan.service_id, plan.version_id, applicant, plan.mpp_id, plan.agency_id,
                    "counter" if counter else "online", officer if counter else None, "",
                    as_json(data), created, stopped or at, submitted_at, decided, issuing, False,
                    assigned, issued_document,
                )  # fmt: skip
                app_id += 1

    # Applications, their transitions and documents go in three COPY streams; the second and the
    # third are fed from the first in batches (kept in memory briefly), so one pass suffices.
    _three_streams(ctx, applications, transitions, documents, n, Application,
                   TransitionRecord, ApplicationDocument)  # fmt: skip
    replace_counters(
        ctx, TrackingSequence, ["region_id", "day", "last_value"], sequences,
        label="tracking sequences",
    )  # fmt: skip
    # COPY under session_replication_role = replica fires no trigger: the counts per unit and
    # status are built by the product's recount (one grouped scan), as after any bulk load.
    from mpp.cases.services import recount_statuses

    recount_statuses(fix=True)


APPLICATION_COLUMNS = [
    "id", "status", "version", "due_at", "breached_at", "clock_unit", "clock_paused_at",
    "clock_stopped_at", "remaining_working_days", "remaining_office_seconds", "tracking_number",
    "service_id", "service_version_id", "applicant_id", "mpp_id", "agency_id", "channel",
    "filed_by_id", "counter_name", "data", "created_at", "updated_at", "submitted_at",
    "decided_at", "issuing_started_at", "auto_approved", "assigned_to_id", "issued_document_id",
]  # fmt: skip
TRANSITION_COLUMNS = [
    "content_type_id", "object_id", "workflow", "action", "from_state", "to_state", "version",
    "actor_id", "actor_kind", "note", "at", "data", "region_id", "mpp_id", "agency_id",
]  # fmt: skip
DOCUMENT_COLUMNS = [
    "id", "application_id", "field", "file", "original_name", "content_type", "size", "sha256",
    "uploaded_by_id", "uploaded_at", "replaced_at",
]  # fmt: skip


def _three_streams(ctx, applications, transitions, documents, n, app_model, tr_model, doc_model):
    """COPY the applications, then the buffered transitions and documents, in slices of rows.

    PostgreSQL accepts one COPY at a time on a connection, so the applications are written in
    slices of 20,000 and each slice's transitions and documents right after it.
    """
    from bench.data.base import check_columns

    for model, columns in (
        (app_model, APPLICATION_COLUMNS),
        (tr_model, TRANSITION_COLUMNS),
        (doc_model, DOCUMENT_COLUMNS),
    ):
        check_columns(model, columns)
    stream = applications()
    bar = ctx.progress.add_task("applications (+ history, documents)", total=n)
    done = 0
    counts = {"a": 0, "t": 0, "d": 0}

    def copy_into(model, columns, rows) -> None:
        names = ", ".join(f'"{model._meta.get_field(_name(c)).column}"' for c in columns)
        with ctx.cursor.copy(f"COPY {model._meta.db_table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    while True:
        batch = []
        for row in stream:
            batch.append(row)
            if len(batch) == 20_000:
                break
        if not batch:
            break
        copy_into(app_model, APPLICATION_COLUMNS, batch)
        counts["a"] += len(batch)
        if transitions:
            copy_into(tr_model, TRANSITION_COLUMNS, transitions)
            counts["t"] += len(transitions)
        if documents:
            copy_into(doc_model, DOCUMENT_COLUMNS, documents)
            counts["d"] += len(documents)
        transitions.clear()
        documents.clear()
        done += len(batch)
        ctx.progress.update(bar, completed=done)
    ctx.progress.update(bar, completed=done, total=done)
    ctx.counts["cases_application"] = counts["a"]
    ctx.counts["workflows_transitionrecord"] = counts["t"]
    ctx.counts["cases_applicationdocument"] = counts["d"]


def _name(attname: str) -> str:
    return attname[:-3] if attname.endswith("_id") and attname != "object_id" else attname
