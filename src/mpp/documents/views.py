"""The public verification page (the QR code on every issued document points here)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from mpp.accounts.models import User
from mpp.accounts.policy import Perm, can, has_any
from mpp.accounts.requests import AuthenticatedRequest
from mpp.documents import selectors, services
from mpp.documents.forms import FileCheckForm, RevokeForm, SignatoryForm
from mpp.documents.models import IssuedDocument
from mpp.tenancy.models import Agency


def _page(
    request: HttpRequest,
    document: IssuedDocument,
    *,
    check_form: FileCheckForm | None = None,
    check_result: bool | None = None,
    revoke_form: RevokeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_revoke = document.is_valid and can(request.user, Perm.DECIDE_CASES, document)
    response = render(
        request,
        "documents/verify.html",
        {
            "document": document,
            "check_form": check_form or FileCheckForm(),
            "check_result": check_result,
            "revoke_form": (revoke_form or RevokeForm()) if may_revoke else None,
        },
        status=status,
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def _document_or_404(request: HttpRequest, code: str) -> IssuedDocument:
    document = selectors.document_by_code(code)
    if document is None:
        raise Http404
    return document


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    document = selectors.document_by_code(code)
    if document is None:
        response = render(request, "documents/verify_not_found.html", status=404)
        response["X-Robots-Tag"] = "noindex"
        return response
    if request.method == "GET":
        return _page(request, document)
    form = FileCheckForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, document, check_form=form, status=400)
    matches = selectors.sha256_of_upload(form.cleaned_data["file"]) == document.sha256
    return _page(request, document, check_result=matches)


@never_cache
@login_required
@require_POST
def revoke(request: AuthenticatedRequest, code: str) -> HttpResponse:
    document = _document_or_404(request, code)
    if not can(request.user, Perm.DECIDE_CASES, document):
        raise PermissionDenied
    form = RevokeForm(request.POST)
    if not form.is_valid():
        return _page(request, document, revoke_form=form, status=400)
    if request.POST.get("confirmed") != "1":
        # A revocation cannot be undone: say what will happen and ask once more.
        return render(
            request,
            "documents/revoke_confirm.html",
            {"document": document, "reason": form.cleaned_data["reason"]},
        )
    try:
        services.revoke_document(
            document, by=request.user, reason=form.cleaned_data["reason"], request=request
        )
    except ValidationError as error:
        form.add_error(None, error)
        return _page(request, document, revoke_form=form, status=400)
    messages.success(request, _("Dokumen %(number)s telah dicabut.") % {"number": document.number})
    return redirect("documents:verify", code=document.verification_code)


# --- Back office: who signs each agency's documents ------------------------------------------


def _signatory_agencies(user: User) -> QuerySet[Agency]:
    from mpp.accounts.policy import scope_filter

    return (
        Agency.objects.filter(
            scope_filter(
                user,
                Perm.MANAGE_SERVICES,
                agency="pk",
                mpp="presences__mpp_id",
                region="presences__mpp__region_id",
            )
        )
        .distinct()
        .select_related("issuer_profile")
        .order_by("name")
    )


@login_required
def signatories(request: AuthenticatedRequest) -> HttpResponse:
    """The agencies the user manages, each with its signing official."""
    if not has_any(request.user, Perm.MANAGE_SERVICES):
        raise PermissionDenied
    return render(
        request, "documents/signatories.html", {"agencies": _signatory_agencies(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def signatory_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    if not has_any(request.user, Perm.MANAGE_SERVICES):
        raise PermissionDenied
    agency = _signatory_agencies(request.user).filter(pk=pk).first()
    if agency is None:
        raise Http404
    identity = selectors.issuer_identity(agency)
    form = SignatoryForm(
        request.POST or None,
        initial={
            "signatory_name": identity.signatory_name,
            "signatory_title": identity.signatory_title,
            "signatory_nip": identity.signatory_nip,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.set_signatory(
            agency,
            actor=request.user,
            name=data["signatory_name"],
            title=data["signatory_title"],
            nip=data["signatory_nip"],
            request=request,
        )
        messages.success(
            request,
            _("Pejabat penanda tangan %(agency)s disimpan. Dokumen berikutnya memakai data ini.")
            % {"agency": agency.name},
        )
        return redirect("documents:signatories")
    return render(request, "documents/signatory_edit.html", {"agency": agency, "form": form})
