"""Pages of region onboarding: the public list and form, and the staff pages under /kelola/."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mpp.accounts.policy import Perm
from mpp.documents.uploads import serve_upload
from mpp.onboarding import selectors, services
from mpp.onboarding.forms import (
    AgreementForm,
    ApplicationForm,
    DecreeForm,
    DesignateForm,
    ProvinceForm,
    ReasonForm,
    RubricForm,
)
from mpp.onboarding.workflow import ACTOR_LABELS, NEXT_STEP, STAGE_LABELS, STAGE_OF
from mpp.workflows.selectors import labelled_history


def _forbidden(request, message: str):
    return render(request, "web/forbidden.html", {"message": message}, status=403)


def _form_page(request, template: str, context: dict, form: Form):
    """A page with a form: answered 400 while the form shows errors."""
    return render(request, template, context, status=400 if form.errors else 200)


def _for_viewers(view):
    """A page for those who take part in onboarding (the ministry, a region's admin); anyone else
    is refused (403) with the reason."""

    @wraps(view)
    def page(request, *args, **kwargs):
        if selectors.may_view(request.user):
            return view(request, *args, **kwargs)
        return _forbidden(
            request, _("Anda tidak memiliki peran untuk melihat penerapan MPP Digital.")
        )

    return page


def _application_or_404(request, pk: int):
    """The application, if this person may see it; 404 otherwise."""
    application = selectors.application_for(request.user, pk)
    if application is None:
        raise Http404
    return application


def _checklist(data) -> services.Checklist:
    return services.Checklist(**{key: data[key] for key in services.Checklist.__dataclass_fields__})


def _apply(request, form: ApplicationForm, actor):
    if request.method == "POST" and form.is_valid():
        try:
            application = services.apply(
                actor=actor,
                region=form.cleaned_data["region"],
                checklist=_checklist(form.cleaned_data),
                letter=form.cleaned_data["letter"],
                urgency_study=form.cleaned_data["urgency_study"],
            )
        except services.OnboardingError as error:
            error.apply_to(form)
        else:
            return application
    return None


def public_loci(request):
    loci = selectors.public_loci()
    phases: dict[int | None, list[dict]] = {}
    for locus in loci:
        phases.setdefault(locus["phase"], []).append(locus)
    return render(
        request,
        "onboarding/public_loci.html",
        {
            "phases": sorted(phases.items(), key=lambda item: item[0] or 0),
            "points": selectors.map_points(loci),
            "map": selectors.loci_map(),
            "stages": [STAGE_LABELS[n] for n in (2, 3, 4)],
        },
    )


def public_apply(request):
    """Province first (a GET form that works without scripts), then the application with the
    kab/kota of that province; a POST without a province still names any kab/kota."""
    chosen = (
        request.POST.get("provinsi") if request.method == "POST" else request.GET.get("provinsi")
    )
    province_form = ProvinceForm({"provinsi": chosen} if chosen is not None else None)
    province = province_form.cleaned_data["provinsi"] if province_form.is_valid() else None
    if request.method != "POST" and province is None:
        return _form_page(
            request, "onboarding/public_apply.html", {"province_form": province_form}, province_form
        )
    form = ApplicationForm(request.POST or None, request.FILES or None, province=province)
    application = _apply(request, form, None)
    if application is not None:
        return render(request, "onboarding/public_sent.html", {"application": application})
    return _form_page(
        request, "onboarding/public_apply.html", {"form": form, "province": province}, form
    )


@login_required
@_for_viewers
def application_list(request):
    rows = (
        selectors.applications_for(request.user).with_breached().order_by("status", "region__name")
    )
    return render(
        request,
        "onboarding/list.html",
        {
            "rows": rows,
            "may_apply": selectors.regions_for(request.user, Perm.APPLY_ONBOARDING).exists(),
            "may_manage": selectors.may_manage(request.user),
            "stage_labels": STAGE_LABELS,
            "stage_of": STAGE_OF,
        },
    )


@login_required
def staff_apply(request):
    regions = selectors.regions_for(request.user, Perm.APPLY_ONBOARDING)
    if not regions.exists() or selectors.may_manage(request.user):
        return _forbidden(request, _("Permohonan diajukan oleh admin daerah."))
    form = ApplicationForm(request.POST or None, request.FILES or None, regions=regions)
    application = _apply(request, form, request.user)
    if application is not None:
        messages.success(
            request, _("Permohonan %(ref)s telah diajukan.") % {"ref": application.reference}
        )
        return redirect("onboarding:detail", pk=application.pk)
    return _form_page(request, "onboarding/apply.html", {"form": form}, form)


def _designate_form(data=None) -> DesignateForm:
    return DesignateForm(data, phases=services.open_phases(), counts=selectors.phase_counts())


def _detail_context(request, application, **forms):
    history = labelled_history(application)
    kinds = services.kinds_for(request.user, application)
    actions = {
        t.action
        for t in application.get_workflow().transitions_from(application.status)
        if t.actors & kinds
    }
    next_actor, next_text = NEXT_STEP[application.status]
    return {
        "next_actor": ACTOR_LABELS.get(next_actor, ""),
        "next_text": next_text,
        "acts_next": next_actor in kinds,
        "contact_invitation": selectors.contact_invitation(application),
        "application": application,
        "history": history,
        "actions": actions,
        "stage": STAGE_OF[application.status],
        "stage_label": STAGE_LABELS[STAGE_OF[application.status]],
        "stages": [(n, STAGE_LABELS[n]) for n in (1, 2, 3, 4)],
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "designate_form": forms.get("designate_form") or _designate_form(),
        "agreement_form": forms.get("agreement_form") or AgreementForm(),
        "criteria_labels": services.CRITERIA_LABELS,
        "may_manage": selectors.may_manage(request.user),
    }


@login_required
@_for_viewers
def application_detail(request, pk: int):
    application = _application_or_404(request, pk)
    return render(request, "onboarding/detail.html", _detail_context(request, application))


@login_required
@require_POST
@_for_viewers
def application_action(request, pk: int):
    application = _application_or_404(request, pk)
    action = request.POST.get("action", "")
    forms: dict[str, Form] = {}
    form: Form
    try:
        if action == "designate":
            form = forms["designate_form"] = _designate_form(request.POST)
            if not form.is_valid():
                raise services.OnboardingError(_("Pilih tahap penetapan lokus."))
            services.designate(
                application, actor=request.user, phase=form.cleaned_data["phase"], request=request
            )
        elif action in ("return", "probation", "restore", "revoke"):
            form = forms["reason_form"] = ReasonForm(request.POST)
            if not form.is_valid():
                raise services.OnboardingError(_("Tuliskan alasannya."))
            if action == "return":
                services.return_application(
                    application,
                    actor=request.user,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            else:
                services.change_standing(
                    application,
                    actor=request.user,
                    action=action,
                    reason=form.cleaned_data["reason"],
                )
        elif action == "resubmit":
            services.resubmit(application, actor=request.user)
        elif action == "upload_agreement":
            form = forms["agreement_form"] = AgreementForm(request.POST, request.FILES)
            upload = request.FILES.get("agreement")
            services.upload_agreement(application, actor=request.user, upload=upload)
        elif action == "grant_access":
            services.grant_access(application, actor=request.user, request=request)
        else:
            raise services.OnboardingError(_("Tindakan ini tidak dikenal."))
    except services.OnboardingError as error:
        application.refresh_from_db()
        context = _detail_context(request, application, **forms)
        context["error"] = error.message
        return render(request, "onboarding/detail.html", context, status=error.status)
    messages.success(request, _("Perubahan telah disimpan."))
    return redirect("onboarding:detail", pk=application.pk)


FILES = {"surat": "letter", "kajian": "urgency_study", "perjanjian": "agreement"}


@login_required
@_for_viewers
def application_file(request, pk: int, which: str):
    application = _application_or_404(request, pk)
    if which not in FILES:
        raise Http404
    stored = getattr(application, FILES[which])
    if not stored:
        raise Http404
    return serve_upload(stored, name=f"{application.reference}-{which}")


@login_required
def rubric(request):
    if not selectors.may_manage(request.user):
        return _forbidden(
            request, _("Hanya admin kementerian yang dapat mengubah rubrik kesiapan.")
        )
    current = services.active_rubric()
    form = RubricForm(
        request.POST or None, initial_weights=current.criteria, initial={"name": current.name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_rubric(
                actor=request.user, name=form.cleaned_data["name"], weights=form.weights()
            )
        except services.OnboardingError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Rubrik kesiapan telah disimpan."))
            return redirect("onboarding:rubric")
    return _form_page(request, "onboarding/rubric.html", {"form": form, "current": current}, form)


@login_required
@_for_viewers
def decrees(request):
    regions = selectors.regions_for(request.user, Perm.APPLY_ONBOARDING)
    region = (
        regions.first() if regions.count() == 1 and not selectors.may_manage(request.user) else None
    )
    form = DecreeForm(request.POST or None, request.FILES or None, region=region)
    if request.method == "POST":
        if region is None:
            return _forbidden(request, _("SK Pengelola diunggah oleh admin daerah."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.upload_decree(
                    actor=request.user,
                    region=region,
                    number=data["number"],
                    decree_date=data["decree_date"],
                    signatory=data["signatory"],
                    valid_until=data["valid_until"],
                    appointees=[
                        services.Appointee(
                            name=data["appointee_name"], email=data["appointee_email"],
                            position=data["appointee_position"], mpp=data["appointee_mpp"],
                        )
                    ],
                    upload=data["document"],
                    request=request,
                )  # fmt: skip
            except services.OnboardingError as error:
                error.apply_to(form)
            else:
                messages.success(
                    request, _("SK Pengelola telah diunggah dan peran pengelola diberikan.")
                )
                return redirect("onboarding:decrees")
    return _form_page(
        request,
        "onboarding/decrees.html",
        {"rows": selectors.decree_overview(request.user), "form": form, "region": region},
        form,
    )


@login_required
@_for_viewers
def decree_file(request, pk: int):
    decree = selectors.decrees_for(request.user).filter(pk=pk).first()
    if decree is None:
        raise Http404
    return serve_upload(decree.document, name=f"sk-{decree.pk}")
