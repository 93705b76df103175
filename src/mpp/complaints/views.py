"""Public complaint pages (/pengaduan/...) and the back office (/kelola/pengaduan/...)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mpp.accounts.policy import Perm, grants_for, has_any
from mpp.audit.models import AuditAction
from mpp.audit.services import record_event
from mpp.complaints import forms, selectors, services
from mpp.complaints.models import (
    About,
    IntegrationClient,
    Kind,
    ResponseTemplate,
)
from mpp.complaints.workflow import AGENCY_ACTIONS, DESK_ACTIONS, REPORTER
from mpp.documents.uploads import serve_upload
from mpp.notifications.guests import CONFIRMED, SENT, guest_of, guest_step
from mpp.notifications.models import GuestConfirmation
from mpp.paging.keyset import page_for_request
from mpp.parsing import parse_id
from mpp.workflows.errors import ActorNotAllowed, WorkflowError
from mpp.workflows.services import available_actions

GUEST_SESSION_KEY = "complaint_guest"


# --- Public ----------------------------------------------------------------------------------


def public_list(request: HttpRequest) -> HttpResponse:
    form = forms.PublicFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.public_complaints(
        query=filters.get("q", ""),
        mpp=filters.get("mpp"),
        agency=filters.get("agency"),
        status=filters.get("status", ""),
    )
    page, query = page_for_request(request, rows, order=("-submitted_at", "-id"), size=20)
    return render(
        request,
        "complaints/public_list.html",
        {"form": form, "page": page, "pager_query": query, "complaints": page.rows},
    )


def public_detail(request: HttpRequest, tracking_number: str) -> HttpResponse:
    complaint = selectors.public_complaint(tracking_number)
    return render(request, "complaints/public_detail.html", {"complaint": complaint})


def _guest(request) -> GuestConfirmation | None:
    return guest_of(request, GUEST_SESSION_KEY)


def submit(request: HttpRequest) -> HttpResponse:
    guest = None if request.user.is_authenticated else _guest(request)
    if not request.user.is_authenticated and guest is None:
        return redirect("complaints:guest")
    initial: dict[str, object] = {"about": About.MPP, "kind": Kind.COMPLAINT}
    if parse_id(request.GET.get("layanan")):
        initial |= {
            "about": About.SERVICE,
            "service": request.GET["layanan"],
            "kind": Kind.CONSULTATION,
        }
    if request.method == "POST" and "pilih_mpp" in request.POST:
        # Without JavaScript: the MPP was chosen; show its agencies and services, keeping what
        # was typed, without judging a form that is not finished yet.
        kept = {
            name: request.POST.get(name) for name in request.POST if name != "csrfmiddlewaretoken"
        }
        form = forms.ComplaintForm(guest=guest is not None, initial=initial | kept)
        return render(request, "complaints/submit.html", {"form": form, "guest": guest})
    form = forms.ComplaintForm(
        request.POST or None, request.FILES or None, guest=guest is not None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        submission = services.Submission(
            kind=data["kind"],
            about=data["about"],
            title=data["title"],
            text=data["text"],
            mpp=data["mpp"],
            agency=data.get("agency"),
            service=data.get("service"),
            category=data.get("category"),
            application_reference=data.get("application_reference", ""),
            address=data.get("address", ""),
            at_mpp=data.get("place") == forms.AT_MPP,
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            is_anonymous=data["is_anonymous"],
            is_confidential=data["is_confidential"],
            reporter_name=data.get("reporter_name", ""),
            attachments=request.FILES.getlist("attachments"),
        )
        try:
            complaint = services.submit_complaint(
                submission,
                reporter=request.user if request.user.is_authenticated else None,
                guest=guest,
            )
        except services.ComplaintError as error:
            error.apply_to(form)
        else:
            request.session.pop(GUEST_SESSION_KEY, None)
            messages.success(
                request,
                _(
                    "Pengaduan Anda diterima dengan nomor %(number)s. Simpan tautan halaman ini untuk mengikutinya."
                )
                % {"number": complaint.tracking_number},
            )
            return redirect("complaints:follow", token=complaint.follow_token)
    return render(request, "complaints/submit.html", {"form": form, "guest": guest})


@require_http_methods(["GET", "POST"])
def guest(request: HttpRequest) -> HttpResponse:
    """A guest confirms an email address or phone number with a one-time code before submitting."""
    step = guest_step(request, session_key=GUEST_SESSION_KEY, purpose=_("pengaduan"))
    if step.outcome == SENT:
        messages.info(request, _("Kode konfirmasi telah dikirim. Masukkan kode itu di bawah."))
        return redirect("complaints:guest")
    if step.outcome == CONFIRMED:
        return redirect("complaints:submit")
    return render(
        request,
        "complaints/guest.html",
        {"contact_form": step.contact_form, "code_form": step.code_form, "pending": step.pending},
    )


def follow(request: HttpRequest, token: str) -> HttpResponse:
    complaint = selectors.complaint_by_follow_token(token)
    actions = [t.action for t in available_actions(complaint, {REPORTER})]
    return render(
        request,
        "complaints/follow.html",
        {
            "complaint": complaint,
            "actions": actions,
            "action_form": forms.ReporterActionForm(),
            "rating_form": forms.RatingForm(),
            "may_rate": complaint.answered_at is not None and complaint.rating is None,
            "forward": selectors.lapor_forward(complaint),
        },
    )


def _tell(
    request, act: Callable[[], object], success: str, *, workflow=False, forbid=False
) -> None:
    """Do ``act`` and say how it went: ``success``, or the refusal as an error message.

    A complaint service's refusal is always said; the workflow's (an action not open now) only
    with ``workflow``, else it propagates; ``forbid`` makes a refusal by the policy (the actor may
    not take this action) a 403 with nothing changed.
    """
    try:
        act()
    except services.ComplaintError as error:
        messages.error(request, error.message)
    except WorkflowError as error:
        if forbid and isinstance(error, ActorNotAllowed):
            raise PermissionDenied(str(error)) from None
        if not workflow:
            raise
        messages.error(request, str(error))
    else:
        messages.success(request, success)


@require_POST
def follow_action(request: HttpRequest, token: str) -> HttpResponse:
    complaint = selectors.complaint_by_follow_token(token)
    form = forms.ReporterActionForm(request.POST)
    if form.is_valid():
        user = request.user
        reporter = user if user.is_authenticated and user.pk == complaint.reporter_id else None
        _tell(
            request,
            lambda: services.take_action(
                complaint,
                form.cleaned_data["action"],
                user=reporter,
                kinds={REPORTER},
                note=form.cleaned_data["note"],
            ),
            _("Terima kasih, tanggapan Anda telah disimpan."),
            workflow=True,
        )
    return redirect("complaints:follow", token=token)


@require_POST
def follow_rate(request: HttpRequest, token: str) -> HttpResponse:
    complaint = selectors.complaint_by_follow_token(token)
    form = forms.RatingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih nilai 1 sampai 5."))
        return redirect("complaints:follow", token=token)
    data = form.cleaned_data
    _tell(
        request,
        lambda: services.rate_response(complaint, rating=data["rating"], comment=data["comment"]),
        _("Terima kasih atas penilaian Anda."),
    )
    return redirect("complaints:follow", token=token)


def mine(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"/akun/masuk/?next={request.path}")
    page, query = page_for_request(
        request, selectors.complaints_of(request.user), order=("-submitted_at", "-id")
    )
    return render(
        request,
        "complaints/mine.html",
        {"page": page, "pager_query": query, "complaints": page.rows},
    )


# --- Back office -------------------------------------------------------------------------------


def _require_staff(request) -> None:
    if not selectors.is_complaint_staff(request.user):
        raise PermissionDenied


def queue(request: HttpRequest) -> HttpResponse:
    _require_staff(request)
    which = request.GET.get("daftar", "")
    if which == "verifikasi":
        rows = selectors.desk_queue(request.user)
    elif which == "instansi":
        rows = selectors.agency_inbox(request.user)
    elif which == "terlambat":
        rows = selectors.complaints_for_staff(request.user).breached()
    else:
        rows = selectors.complaints_for_staff(request.user)
    page, query = page_for_request(request, rows, order=("-submitted_at", "-id"))
    return render(
        request,
        "complaints/kelola/queue.html",
        {
            "page": page,
            "pager_query": query,
            "complaints": page.rows,
            "which": which,
            "desk": has_any(request.user, Perm.HANDLE_COMPLAINTS),
            "agency": has_any(request.user, Perm.RESPOND_COMPLAINTS),
            "oversee": has_any(request.user, Perm.OVERSEE_COMPLAINTS),
            "integrations": has_any(request.user, Perm.MANAGE_INTEGRATIONS),
        },
    )


def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    complaint = selectors.complaint_for_staff(request.user, pk)
    kinds = selectors.actor_kinds(request.user, complaint)
    reporter = selectors.reporter_for(request.user, complaint, channel="web")
    forwarding_notes, escalations = selectors.desk_history(complaint, with_notes=bool(kinds))
    templates = (
        ResponseTemplate.objects.filter(agency_id=complaint.agency_id)
        if complaint.agency_id
        else []
    )
    return render(
        request,
        "complaints/kelola/detail.html",
        {
            "complaint": complaint,
            "reporter": reporter,
            "actions": [
                t
                for t in available_actions(complaint, kinds)
                if t.action in DESK_ACTIONS + AGENCY_ACTIONS
            ],
            "action_form": forms.StaffActionForm(mpp=complaint.mpp),
            "note_form": forms.NoteForm(),
            "templates": templates,
            "notes": complaint.notes.select_related("author") if kinds else [],
            "forwarding_notes": forwarding_notes,
            "history": escalations,
            "forward": selectors.lapor_forward(complaint),
            "may_retry_forward": "desk" in kinds,
        },
    )


@require_POST
def staff_action(request, pk):
    _require_staff(request)
    complaint = selectors.complaint_for_staff(request.user, pk)
    form = forms.StaffActionForm(request.POST, mpp=complaint.mpp)
    if not form.is_valid():
        messages.error(request, _("Permintaan tidak sah."))
        return redirect("complaints:staff_detail", pk=pk)
    data = form.cleaned_data
    if data["version"] != complaint.version:
        messages.error(request, _("Pengaduan ini baru saja diubah orang lain; periksa lagi."))
        return redirect("complaints:staff_detail", pk=pk)
    _tell(
        request,
        lambda: services.take_action(
            complaint,
            data["action"],
            user=request.user,
            kinds=selectors.actor_kinds(request.user, complaint),
            note=data["note"],
            agency=data.get("agency"),
            useful=data["useful"],
        ),
        _("Tindakan telah disimpan."),
        workflow=True,
        forbid=True,
    )
    return redirect("complaints:staff_detail", pk=pk)


@require_POST
def staff_note(request, pk):
    _require_staff(request)
    complaint = selectors.complaint_for_staff(request.user, pk)
    if not selectors.actor_kinds(request.user, complaint):
        raise PermissionDenied
    text = request.POST.get("text", "")
    _tell(
        request,
        lambda: services.add_note(complaint, user=request.user, text=text),
        _("Catatan internal disimpan."),
    )
    return redirect("complaints:staff_detail", pk=pk)


@require_POST
def staff_retry_forward(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    complaint = selectors.complaint_for_staff(request.user, pk)
    if "desk" not in selectors.actor_kinds(request.user, complaint):
        raise PermissionDenied
    _tell(
        request,
        lambda: services.retry_forward(complaint, user=request.user),
        _("Pengaduan akan dikirim ulang ke SP4N-LAPOR!."),
    )
    return redirect("complaints:staff_detail", pk=pk)


def staff_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    _require_staff(request)
    complaint = selectors.complaint_for_staff(request.user, pk)
    if selectors.read_reporter(request.user, complaint, channel="web") is None:
        raise Http404
    attachment = get_object_or_404(complaint.attachments, pk=attachment_pk)
    return serve_upload(attachment.file, name=f"lampiran-{attachment.pk}")


def templates(request: HttpRequest) -> HttpResponse:
    if not has_any(request.user, Perm.RESPOND_COMPLAINTS):
        raise PermissionDenied
    agencies = [g.agency for g in grants_for(request.user, Perm.RESPOND_COMPLAINTS) if g.agency_id]
    form = forms.TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and agencies:
        try:
            services.save_template(agency=agencies[0], mpp=None, **form.cleaned_data)
        except services.ComplaintError as error:
            error.apply_to(form)
        else:
            messages.success(request, _("Templat tanggapan disimpan."))
            return redirect("complaints:templates")
    rows = ResponseTemplate.objects.filter(agency__in=agencies)
    return render(request, "complaints/kelola/templates.html", {"form": form, "rows": rows})


def statistics(request: HttpRequest) -> HttpResponse:
    if not has_any(request.user, Perm.OVERSEE_COMPLAINTS):
        raise PermissionDenied
    return render(
        request,
        "complaints/kelola/statistics.html",
        {"rows": selectors.statistics_per_agency(request.user)},
    )


def _record_key(request, action: AuditAction, client: IntegrationClient) -> None:
    """An API key issued or revoked, in the audit log under the client's name."""
    record_event(action, actor=request.user, target=client, summary=client.name, request=request)


def integrations(request):
    if not has_any(request.user, Perm.MANAGE_INTEGRATIONS):
        raise PermissionDenied
    grants = grants_for(request.user, Perm.MANAGE_INTEGRATIONS)
    region = next((g.region for g in grants if g.region_id), None)
    national = any(not g.region_id for g in grants)
    form = forms.ApiKeyForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        client, raw = services.issue_api_key(
            name=form.cleaned_data["name"],
            region=None if national else region,
            created_by=request.user,
        )
        _record_key(request, AuditAction.INTEGRATION_KEY_ISSUED, client)
        form = forms.ApiKeyForm()
    rows = (
        IntegrationClient.objects.all()
        if national
        else IntegrationClient.objects.filter(region=region)
    )
    return render(
        request, "complaints/kelola/integrations.html", {"form": form, "rows": rows, "raw": raw}
    )


@require_POST
def revoke_integration(request: HttpRequest, pk: int) -> HttpResponse:
    if not has_any(request.user, Perm.MANAGE_INTEGRATIONS):
        raise PermissionDenied
    grants = grants_for(request.user, Perm.MANAGE_INTEGRATIONS)
    national = any(not g.region_id for g in grants)
    rows = (
        IntegrationClient.objects.all()
        if national
        else IntegrationClient.objects.filter(region_id__in=[g.region_id for g in grants])
    )
    client = get_object_or_404(rows, pk=pk)
    services.revoke_api_key(client)
    _record_key(request, AuditAction.INTEGRATION_KEY_REVOKED, client)
    messages.success(request, _("Kunci API dicabut."))
    return redirect("complaints:integrations")
