"""Citizen pages (/permohonan/...) and the officers' back office (/kelola/permohonan/...)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from mpp.accounts import limits
from mpp.accounts.policy import Perm, can, has_any
from mpp.accounts.selectors import access_groups
from mpp.cases import forms, selectors, services
from mpp.cases.models import Status
from mpp.cases.steps import steps_for
from mpp.cases.workflow import COORDINATOR, COUNTER, DECISION_ACTIONS, EDITABLE, OFFICER
from mpp.catalog.form_schema import is_visible
from mpp.catalog.models import Service
from mpp.documents.exports import stored_download
from mpp.documents.gates import download_gates
from mpp.documents.rendering import public_base_url, qr_data_uri
from mpp.documents.services import SigningKeyMissing
from mpp.documents.uploads import serve_upload
from mpp.fragments import render_page
from mpp.paging.keyset import page_for_request
from mpp.parsing import LARGEST_ID, parse_int
from mpp.plans import planned_each_time
from mpp.workflows.errors import ActorNotAllowed, WorkflowError
from mpp.workflows.services import available_actions

PAGE_SIZE = 25


def _editor(request, pk, staff: bool):
    if staff:
        _require_staff(request)
        application = selectors.application_for_staff(request.user, pk)
        if COUNTER not in selectors.actor_kinds(request.user, application):
            raise Http404  # officers fill in only what they file at the counter
        return application
    return selectors.application_for_citizen(request.user, pk)


def _require_staff(request) -> None:
    if not selectors.is_staff_worker(request.user):
        raise PermissionDenied


def _url(name: str, staff: bool, **kwargs) -> str:
    return reverse(f"cases:{'staff_' if staff else ''}{name}", kwargs=kwargs)


# --- Citizen: starting and filling in ------------------------------------------------------


@login_required
def start(request, slug):
    service = get_object_or_404(
        Service.objects.published().select_related("current_version", "agency", "mpp"), slug=slug
    )
    version = service.current_version
    if request.method == "POST":
        try:
            application = services.start_application(applicant=request.user, service=service)
        except services.ApplicationError as error:
            messages.error(request, error.message)
            return redirect("cases:start", slug=slug)
        return redirect("cases:step", pk=application.pk, number=1)
    drafts = selectors.applications_of_citizen(request.user).filter(
        service=service, status="draft"
    )[:5]
    return render(
        request,
        "cases/start.html",
        {"service": service, "version": version, "drafts": drafts},
    )


def _step_page(request, pk, number, staff=False):
    application = _editor(request, pk, staff)
    if application.status not in EDITABLE:
        messages.info(request, _("Permohonan ini tidak dapat diubah lagi."))
        return redirect(_url("detail", staff, pk=application.pk))
    steps = steps_for(application.service_version.form, application.data)
    if not steps:
        return redirect(_url("check", staff, pk=application.pk))
    if number < 1 or number > len(steps):
        raise Http404
    step = steps[number - 1]
    documents = {str(doc.pk): doc for doc in selectors.current_documents(application)}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {}
        for item in step.fields:
            if item.type == "file":
                continue
            if item.type == "multiple_choice":
                values[item.name] = request.POST.getlist(item.name)
            else:
                values[item.name] = request.POST.get(item.name, "")
        try:
            errors = services.update_draft(
                application, actor=request.user, data=values, fields=list(values)
            )
            for item in step.fields:
                if item.type != "file":
                    continue
                if not is_visible(item, application.data):
                    continue  # hidden by the answer just given: neither required nor stored
                upload = request.FILES.get(item.name)
                if upload is not None:
                    try:
                        document = services.attach_file(
                            application, actor=request.user, field=item.name, upload=upload
                        )
                        documents[str(document.pk)] = document
                    except services.ApplicationError as error:
                        errors[item.name] = error.errors.get(item.name, [error.message])
                elif item.required and application.data.get(item.name) not in documents:
                    errors[item.name] = [_("Wajib diunggah.")]
        except services.ApplicationError as error:
            messages.error(request, error.message)
            return redirect(_url("detail", staff, pk=application.pk))
        if "save_exit" in request.POST:
            messages.success(
                request, _("Draf disimpan. Anda dapat melanjutkannya kapan saja dari halaman ini.")
            )
            return redirect(_url("detail", staff, pk=application.pk))
        if not errors:
            steps = steps_for(application.service_version.form, application.data)
            if number < len(steps) and request.GET.get("dari") != "periksa":
                return redirect(_url("step", staff, pk=application.pk, number=number + 1))
            return redirect(_url("check", staff, pk=application.pk))
        form = forms.step_form(step.fields, data=request.POST, errors=errors)
    else:
        form = forms.step_form(step.fields, initial=application.data)
    uploaded = {
        item.name: documents.get(str(application.data.get(item.name)))
        for item in step.fields
        if item.type == "file"
    }
    definition = application.service_version.form
    rows = [
        (form[item.name], uploaded.get(item.name), item, definition.condition_hint(item))
        for item in step.fields
    ]
    from_dukcapil = [item for item in step.fields if item.from_dukcapil]
    return render(
        request,
        "cases/step.html",
        {
            "application": application,
            "step": step,
            "steps": steps,
            "rows": rows,
            "form": form,
            "staff": staff,
            # At the counter: the Dukcapil check of what the officer typed, as it stands now.
            "identity_check": selectors.identity_check(application) if staff else None,
            # Fields Dukcapil fills in, all empty: Dukcapil could not be asked when it started.
            "dukcapil_missing": bool(from_dukcapil)
            and not any(application.data.get(item.name) for item in from_dukcapil),
            "previous_url": _url("step", staff, pk=application.pk, number=number - 1)
            if number > 1
            else None,
        },
    )


@login_required
def step(request, pk, number):
    return _step_page(request, pk, number)


def _check_page(request, pk, staff=False):
    application = _editor(request, pk, staff)
    if application.status not in EDITABLE:
        return redirect(_url("detail", staff, pk=application.pk))
    problems: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            if application.status == "draft":
                services.submit_application(
                    application,
                    actor=request.user,
                    expected_version=_int(request.POST.get("version")),
                )
            else:
                services.resubmit_application(
                    application,
                    actor=request.user,
                    expected_version=_int(request.POST.get("version")),
                )
            return redirect(_url("done", staff, pk=application.pk))
        except services.ApplicationError as error:
            problems = error.errors
            messages.error(request, error.message)
        except WorkflowError as error:
            messages.error(request, error.message)
            return redirect(_url("detail", staff, pk=application.pk))
    steps = steps_for(application.service_version.form, application.data)
    step_of = {item.name: s.number for s in steps for item in s.fields}
    return render(
        request,
        "cases/check.html",
        {
            "application": application,
            "sections": selectors.answers(application),
            "problems": [(name, msgs, step_of.get(name, 1)) for name, msgs in problems.items()],
            "labels": {item.name: item.label for item in application.service_version.form.fields},
            "step_of": step_of,
            "staff": staff,
            "revision_note": _last_note(selectors.history(application), "request_revision", "hold"),
        },
    )


def _int(value, *, maximum: int = LARGEST_ID):
    """The integer in ``value``, or None when it is not one or lies outside 0..``maximum``."""
    return parse_int(value, minimum=0, maximum=maximum)


@login_required
def check(request, pk):
    return _check_page(request, pk)


def _done_page(request, pk, staff=False):
    application = _editor(request, pk, staff)
    history = selectors.history(application)
    context = {
        "application": application,
        "staff": staff,
        "resubmitted": any(record.action == "resubmit" for record in history),
    }
    if staff:
        # The counter ends with the receipt (tanda terima) handed to the citizen.
        track_url = public_base_url(request) + reverse("cases:track")
        context.update(
            {
                "receipt_documents": selectors.received_documents(application),
                "track_url": track_url,
                "track_qr": qr_data_uri(f"{track_url}?nomor={application.tracking_number}"),
            }
        )
        return render(request, "cases/receipt.html", context)
    return render(request, "cases/done.html", context)


@login_required
def done(request, pk):
    return _done_page(request, pk)


# --- Anyone: following with the tracking number and birth date ------------------------------


def track(request):
    """Status, due date and timeline of one application, for whoever holds its tracking number
    and the applicant's birth date; nothing else is shown. POST only (nothing in the URL), and
    misses are counted per address and per tracking number (mpp.accounts.limits)."""
    initial = {"nomor": request.GET.get("nomor", "")[:20]}  # the receipt's QR code (no NIK)
    form = forms.TrackForm(request.POST or None, initial=initial)
    application = None
    not_found = False
    number = request.POST.get("nomor", "")
    if request.method == "POST" and form.is_valid():
        verdict = limits.check(request, "tracking", [number])
        if verdict is not None and verdict.scope == limits.KEY:
            # Anonymous tries never get here (the middleware refuses them); a signed-in account
            # guessing another person's birth date is refused the same way.
            title, message = limits.refusal(verdict)
            return render(request, "429.html", {"title": title, "message": message}, status=429)
        application = selectors.tracked_application(
            form.cleaned_data["nomor"], form.cleaned_data["birth_date"]
        )
        not_found = application is None
        if not_found:
            # A miss counts against the tracking number and the address (the middleware refuses
            # the number's sixth miss, and asks the address's 21st a question).
            limits.record_failure(request, "tracking", number)
    response = render(
        request,
        "cases/track.html",
        {
            "form": form,
            "application": application,
            "not_found": not_found,
            "history": selectors.history(application) if application else [],
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


# --- Citizen: following --------------------------------------------------------------------


@login_required
def my_applications(request):
    # Planned for this citizen each time (mpp.plans): one has 3 applications, a bureau filing for
    # its clients thousands, and the one generic plan read and sorted them all (20 ms at 2,700).
    with planned_each_time():
        page, query = page_for_request(
            request,
            selectors.citizen_rows(selectors.applications_of_citizen(request.user)),
            order=selectors.CITIZEN_ORDER,
            size=PAGE_SIZE,
        )
    return render(
        request,
        "cases/my_list.html",
        {"page": page, "query": query, "applications": page.rows, "now": timezone.now()},
    )


@login_required
def detail(request, pk):
    application = selectors.application_for_citizen(request.user, pk)
    kinds = selectors.actor_kinds(request.user, application)
    actions = {t.action for t in available_actions(application, kinds)}
    steps = steps_for(application.service_version.form, application.data)
    history = selectors.history_with_documents(application)
    # Read once for the answers and the first unfinished step.
    documents = selectors.current_documents(application)
    return render(
        request,
        "cases/detail.html",
        {
            "application": application,
            "history": history,
            "sections": selectors.answers(application, documents),
            "can_withdraw": "withdraw" in actions,
            "can_edit": selectors.may_fill_in(request.user, application),
            "revision_note": _last_note(history, "request_revision", "hold"),
            "held": _held(history),
            "rejection_note": _last_note(history, "reject"),
            "has_steps": bool(steps),
            "resume_step": selectors.first_unfinished_step(application, documents)
            if steps
            else None,
            "now": timezone.now(),
            "access_log": access_groups(request.user, application.pk),
        },
    )


def _last_note(history, *actions: str) -> str:
    """The note of the latest of ``actions`` in ``history`` (the reason shown to the citizen)."""
    notes = [record.note for record in history if record.action in actions]
    return notes[-1] if notes else ""


def _held(history) -> bool:
    """Was the application sent back by the SATUSEHAT check (not by an officer)?"""
    sent_back = [r.action for r in history if r.action in ("request_revision", "hold")]
    return bool(sent_back) and sent_back[-1] == "hold"


@login_required
def withdraw(request, pk):
    application = selectors.application_for_citizen(request.user, pk)
    if request.method == "POST":
        try:
            services.withdraw_application(
                application,
                actor=request.user,
                expected_version=_int(request.POST.get("version")),
            )
            messages.success(request, _("Permohonan telah dibatalkan."))
        except WorkflowError as error:
            messages.error(request, error.message)
        return redirect("cases:detail", pk=application.pk)
    return render(request, "cases/withdraw.html", {"application": application})


@login_required
def issued_pdf(request, pk):
    application = selectors.application_for_citizen(request.user, pk)
    # A service may ask for the satisfaction survey first; the survey page comes back here.
    detour = download_gates.redirect_before_download(
        request.user, application, request.get_full_path()
    )
    if detour:
        return redirect(detour)
    return _pdf_response(request.user, application)


def _pdf_response(user, application):
    document = selectors.read_issued_document(user, application, channel="web")
    return stored_download(document.file, fmt="pdf", filename=application.tracking_number)


def _file_response(document):
    return serve_upload(document.file, name=f"berkas-{document.pk}")


@login_required
def citizen_file(request, pk, document_pk):
    application = selectors.application_for_citizen(request.user, pk)
    return _file_response(
        selectors.read_file(request.user, application, document_pk, channel="web")
    )


# --- Back office -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request):
    _require_staff(request)
    user = request.user
    services = selectors.inbox_service_choices(user)
    form = forms.InboxFilterForm(request.GET or None, services=services, statuses=Status.choices)
    filters = selectors.InboxFilters()
    search = forms.InboxSearchForm(request.POST or None)
    searched = search.cleaned_data["q"] if request.method == "POST" and search.is_valid() else ""
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.InboxFilters(
            status=data["status"] or "",
            service=data["service"],
            due=data["due"] or "",
            mine=bool(data["mine"]),
            channel=data["channel"] or "",
            decided=data["decided"] or "",
            submitted_from=data["submitted_from"],
            submitted_to=data["submitted_to"],
            decided_from=data["decided_from"],
            decided_to=data["decided_to"],
            mpp=data["mpp"],
            agency=data["agency"],
            region=data["region"] or "",
        )
    if searched:
        filters = selectors.InboxFilters(status=filters.status, query=searched)
    now = timezone.now()
    # Planned for this unit each time (mpp.plans): a bureau of 90,000 applications and a counter
    # of ten share one statement, and its generic plan read 70 ms at a million applications.
    with planned_each_time():
        page, query = page_for_request(
            request,
            selectors.inbox_rows(selectors.inbox(user, filters, now=now)),
            order=selectors.INBOX_ORDER,
            size=PAGE_SIZE,
        )
    for row in page.rows:
        row.applicant_shown = selectors.applicant_label(user, row)
    selectors.mark_conflicts(user, page.rows)

    def page_only() -> dict:
        return {
            "filter_fields": forms.inbox_filter_fields(form, services),
            "counts": selectors.due_counts(user, now=now),
            "status_counts": selectors.status_counts(user),
            "search": search,
            "searched": searched,
            "can_file_at_counter": has_any(user, Perm.FILE_AT_COUNTER),
            "zone": str(selectors.local_zone(user)),
            "drilled": any(
                getattr(filters, name)
                for name in (
                    "submitted_from",
                    "submitted_to",
                    "decided_from",
                    "decided_to",
                    "mpp",
                    "agency",
                    "region",
                )
            ),
        }

    # Filters and "next page" with htmx get the results alone (cases/_inbox_results.html).
    return render_page(
        request,
        "cases/inbox.html",
        "cases/_inbox_results.html",
        {"page": page, "query": query, "applications": page.rows, "now": now},
        full=page_only,
    )


@login_required
def staff_detail(request, pk):
    _require_staff(request)
    user = request.user
    application = selectors.application_for_staff(user, pk)
    personal = selectors.read_case(user, application, channel="web")
    kinds = selectors.actor_kinds(user, application)
    actions = available_actions(application, kinds)
    history = selectors.history_for_staff(user, application)
    names = {t.action for t in actions}
    editable = application.status in EDITABLE
    # Read once for the answers and the first unfinished step, when either is shown.
    documents = selectors.current_documents(application) if personal or editable else []
    return render(
        request,
        "cases/staff_detail.html",
        {
            "application": application,
            "applicant_shown": selectors.applicant_label(user, application),
            "personal": personal,
            "identity_check": selectors.identity_check(application) if personal else None,
            "practitioner_check": selectors.practitioner_check(application) if personal else None,
            "not_mine": selectors.conflicted(user, application),
            "sole_filer": selectors.decided_by_filer(application, user),
            "history": history,
            "revision_changes": selectors.changes_since_revision(application, history)
            if personal
            else None,
            "sections": selectors.answers(application, documents) if personal else [],
            "notes": selectors.notes(application) if personal else [],
            "decisions": [t for t in actions if t.action in DECISION_ACTIONS],
            "can_claim": "claim" in names and application.assigned_to_id != user.pk,
            "can_assign": "assign" in names,
            "can_note": bool(kinds & {OFFICER, COORDINATOR}),
            "can_edit": selectors.may_fill_in(user, application),
            "can_reissue": selectors.may_reissue(user, application),
            "resume_step": selectors.first_unfinished_step(application, documents)
            if editable
            else None,
            "revision_form": forms.RevisionForm(initial={"version": application.version}),
            "approve_form": forms.ApproveForm(initial={"version": application.version}),
            "assign_form": forms.AssignForm(
                initial={"version": application.version},
                colleagues=selectors.assignable(application),
            ),
            "note_form": forms.InternalNoteForm(),
            "now": timezone.now(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def staff_reissue(request, pk):
    """Re-issue the application's document: the page says what happens (the current document is
    revoked when still valid, a new number is signed, the applicant is told) and takes the reason."""
    _require_staff(request)
    application = selectors.application_for_staff(request.user, pk)
    if not can(request.user, Perm.DECIDE_CASES, application):
        raise PermissionDenied
    if not selectors.may_reissue(request.user, application):
        messages.info(request, _("Dokumen permohonan ini tidak dapat diterbitkan ulang saat ini."))
        return redirect("cases:staff_detail", pk=application.pk)
    form = forms.ReissueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.reissue_application_document(
                application, actor=request.user, reason=form.cleaned_data["reason"], request=request
            )
        except services.ApplicationError as error:
            if error.status == 403:
                raise PermissionDenied(error.message) from None
            error.apply_to(form)
        else:
            messages.success(
                request,
                _("Dokumen baru %(number)s telah diterbitkan dan dikirim kepada pemohon.")
                % {"number": document.number},
            )
            return redirect("cases:staff_detail", pk=application.pk)
    return render(
        request,
        "cases/staff_reissue.html",
        {"application": application, "document": application.issued_document, "form": form},
        status=400 if form.errors else 200,
    )


# Irreversible decisions: taken only from their confirmation page (``confirmed`` in the POST).
CONFIRMED_ACTIONS = {"reject": "cases:staff_reject", "issue": "cases:staff_issue"}


@login_required
@require_POST
def staff_action(request, pk):
    _require_staff(request)
    application = selectors.application_for_staff(request.user, pk)
    action = request.POST.get("action", "")
    if action in CONFIRMED_ACTIONS and request.POST.get("confirmed") != "1":
        return redirect(CONFIRMED_ACTIONS[action], pk=application.pk)
    assignee = None
    if action == "assign":
        assignee = (
            selectors.assignable(application).filter(pk=_int(request.POST.get("assignee"))).first()
        )
        if assignee is None:
            messages.error(request, _("Pilih petugas yang akan menangani."))
            return redirect("cases:staff_detail", pk=application.pk)
    try:
        services.perform_action(
            application,
            action,
            actor=request.user,
            note=request.POST.get("note", ""),
            expected_version=_int(request.POST.get("version")),
            assignee=assignee,
            request=request,
        )
        messages.success(request, _("Tindakan berhasil dicatat."))
    except ActorNotAllowed as error:  # a refusal by the policy: 403, nothing changed
        raise PermissionDenied(error.message) from None
    except WorkflowError as error:
        messages.error(request, error.message)
    except services.ApplicationError as error:
        messages.error(request, error.message)
    except SigningKeyMissing as error:  # say why; nothing was issued or changed
        messages.error(request, str(error))
    return redirect("cases:staff_detail", pk=application.pk)


def _reject_context(request, application) -> dict:
    return {
        "form": forms.RejectForm(initial={"version": application.version}),
        "unclaimed": not application.assigned_to_id,
    }


def _issue_context(request, application) -> dict:
    return {"preview": selectors.document_preview(request.user, application)}


# The confirmation page of a decision: its template, what it adds beside the application, and
# what is said instead when the decision is not open to this officer now.
DECISION_PAGES = {
    "reject": (
        "cases/staff_reject.html",
        _reject_context,
        gettext_lazy("Permohonan ini tidak dapat ditolak saat ini."),
    ),
    "issue": (
        "cases/staff_issue.html",
        _issue_context,
        gettext_lazy("Dokumen permohonan ini tidak dapat diterbitkan saat ini."),
    ),
}


def _decision_page(request, pk, action: str):
    """The confirmation page of ``action`` (see DECISION_PAGES), or back to the application with
    a message when ``action`` is not open to this officer now."""
    template, context, closed = DECISION_PAGES[action]
    _require_staff(request)
    user = request.user
    application = selectors.application_for_staff(user, pk)
    kinds = selectors.actor_kinds(user, application)
    if action not in {t.action for t in available_actions(application, kinds)}:
        messages.info(request, closed)
        return redirect("cases:staff_detail", pk=application.pk)
    return render(request, template, {"application": application, **context(request, application)})


@login_required
def staff_reject(request, pk):
    """Confirm a rejection: what will happen, and the reason the citizen will read (required)."""
    return _decision_page(request, pk, "reject")


@login_required
def staff_issue(request, pk):
    """Confirm issuing: a preview of exactly what the signed document will print."""
    return _decision_page(request, pk, "issue")


@login_required
@require_POST
def staff_note(request, pk):
    _require_staff(request)
    application = selectors.application_for_staff(request.user, pk)
    try:
        services.add_note(application, actor=request.user, text=request.POST.get("text", ""))
        messages.success(request, _("Catatan internal disimpan."))
    except services.ApplicationError as error:
        if error.status == 403:  # a refusal by the policy
            raise PermissionDenied(error.message) from None
        messages.error(request, error.message)
    return redirect("cases:staff_detail", pk=application.pk)


@login_required
def staff_file(request, pk, document_pk):
    """An uploaded file, shown in the browser; every view by staff is audited."""
    _require_staff(request)
    application = selectors.application_for_staff(request.user, pk)
    return _file_response(
        selectors.read_file(request.user, application, document_pk, channel="web")
    )


@login_required
def staff_pdf(request, pk):
    _require_staff(request)
    return _pdf_response(request.user, selectors.application_for_staff(request.user, pk))


@login_required
def counter(request):
    """File an application for a walk-in citizen identified by NIK and birth date."""
    if not has_any(request.user, Perm.FILE_AT_COUNTER):
        raise PermissionDenied
    services_in_scope = list(selectors.services_in_scope(request.user, Perm.FILE_AT_COUNTER))
    form = forms.WalkInForm(request.POST or None, services=services_in_scope)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service = next((s for s in services_in_scope if s.pk == data["service"]), None)
        try:
            application = services.file_at_counter(
                officer=request.user,
                service=service,
                walk_in=services.WalkIn(
                    nik=data["nik"],
                    birth_date=data["birth_date"],
                    name=data["name"],
                    phone=data["phone"],
                ),
                request=request,
            )
            return redirect("cases:staff_step", pk=application.pk, number=1)
        except services.ApplicationError as error:
            error.apply_to(form)
    return render(request, "cases/counter.html", {"form": form})


@login_required
def staff_step(request, pk, number):
    return _step_page(request, pk, number, staff=True)


@login_required
def staff_check(request, pk):
    return _check_page(request, pk, staff=True)


@login_required
def staff_done(request, pk):
    return _done_page(request, pk, staff=True)
