"""Public catalog pages (MPP directory, services, search) and the back office for service standards."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models.functions import Lower
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mpp.accounts.policy import Perm, can, has_any
from mpp.catalog import selectors, services
from mpp.catalog.extensions import mpp_page_sections, service_page_sections
from mpp.catalog.forms import (
    CounterHoursForm,
    PublishForm,
    ServiceContentForm,
    ServiceSearchForm,
    SynonymForm,
    WeeklyHoursForm,
    WorkplaceChoiceForm,
)
from mpp.catalog.models import SearchSynonym, ServiceVersion
from mpp.catalog.public_cache import public_page
from mpp.parsing import parse_int
from mpp.tenancy.models import OpeningHours

PAGE_SIZE = 20


def _page_number(request) -> str:
    value = request.GET.get("page", "1")
    return value if value.isascii() and value.isdigit() and len(value) < 7 else "1"


# --- Public ----------------------------------------------------------------------------------


@public_page
def mpp_list(request):
    regions = list(selectors.mpp_regions())
    provinces = {region.province_id: region.province for region in regions}
    province = request.GET.get("provinsi", "")
    region = request.GET.get("kabkota", "")
    province = province if province in provinces else ""
    region = region if any(r.code == region for r in regions) else ""
    mpps = selectors.mpp_directory(province=province, region=region)
    return render(
        request,
        "catalog/mpp_list.html",
        {
            "mpps": mpps,
            "provinces": sorted(provinces.values(), key=lambda p: p.name),
            "regions": [r for r in regions if not province or r.province_id == province],
            "selected_province": province,
            "selected_region": region,
        },
    )


@public_page
def mpp_detail(request, slug: str):
    mpp = selectors.public_mpp(slug)
    if mpp is None:
        raise Http404
    hours = {h.weekday: h for h in mpp.opening_hours.all()}
    week = [(label, hours.get(day)) for day, label in OpeningHours.Weekday.choices]
    services_here = list(selectors.services_at(mpp))
    by_agency: dict[int | None, list] = {}
    for service in services_here:
        by_agency.setdefault(service.agency_id, []).append(service)
    presences = [(p, by_agency.get(p.agency_id, [])) for p in mpp.active_presences]
    return render(
        request,
        "catalog/mpp_detail.html",
        {
            "mpp": mpp,
            "week": week,
            "tz": mpp.region.timezone_abbreviation,
            "presences": presences,
            "service_count": len(services_here),
            "extra_sections": mpp_page_sections.render(mpp),
        },
    )


def _search_context(request, *, title: str):
    mpps = selectors.mpp_choices()
    mpp = next((m for m in mpps if m.slug == request.GET.get("mpp")), None)
    # The agency filter lists the agencies of the chosen MPP only (nationally there are thousands);
    # an agency given without an MPP (a shared link) is still honoured.
    if mpp is not None:
        agencies = selectors.agencies_at(mpp.pk)
    else:
        agencies = selectors.agency_choice(str(request.GET.get("agency", ""))[:200])
    form = ServiceSearchForm(request.GET, mpps=mpps, agencies=agencies)
    values = form.values()
    filters = selectors.ServiceFilters(
        query=values["q"],
        mpp_id=values["mpp"].pk if values["mpp"] else None,
        agency_id=values["agency"].pk if values["agency"] else None,
        category=values["category"],
        channel=values["channel"],
        free_only=values["free"],
    )
    page = selectors.search_page(filters, int(_page_number(request)), PAGE_SIZE, tolerant=True)
    query_string = urlencode(
        {
            key: value
            for key, value in {
                "q": values["q"],
                "mpp": values["mpp"].slug if values["mpp"] else "",
                "agency": values["agency"].slug if values["agency"] else "",
                "category": values["category"],
                "channel": values["channel"],
                "free": "on" if values["free"] else "",
            }.items()
            if value
        }
    )
    return {
        "title": title,
        "form": form,
        "query": values["q"],
        "page_obj": page,
        "services": selectors.listing(page.object_list),
        "query_string": query_string,
        "filtered": bool(
            values["mpp"]
            or values["agency"]
            or values["category"]
            or values["channel"]
            or values["free"]
        ),
    }


@public_page
def service_search(request):
    return render(
        request, "catalog/service_search.html", _search_context(request, title=_("Cari layanan"))
    )


@public_page
def service_list(request):
    return render(
        request, "catalog/service_search.html", _search_context(request, title=_("Daftar layanan"))
    )


@public_page
def service_detail(request, pk: int, number: int | None = None):
    service = selectors.public_service(pk)
    if service is None:
        raise Http404
    if number is None:
        version = service.current_version
    else:
        version = selectors.public_version(service, number)
    if version is None:
        raise Http404
    return render(
        request,
        "catalog/service_detail.html",
        {
            "service": service,
            "version": version,
            "is_current": version.pk == service.current_version_id,
            "versions": selectors.published_versions(service),
            "tz": service.mpp.region.timezone_abbreviation if service.mpp else "WIB",
            "extra_sections": service_page_sections.render(service),
        },
    )


# --- Back office -----------------------------------------------------------------------------


def _manager_required(request) -> None:
    if not has_any(request.user, Perm.MANAGE_SERVICES):
        raise PermissionDenied


def _managed(request, pk: int):
    _manager_required(request)
    service = selectors.manageable_service(request.user, pk)
    if service is None:
        raise Http404
    return service


def _managed_draft(request, pk: int):
    """The managed service and its draft; 404 when it has none."""
    service = _managed(request, pk)
    draft = selectors.draft_of(service)
    if draft is None:
        raise Http404
    return service, draft


def _draft_to_edit(request, pk: int):
    """The managed service, its draft and None; or, when it has no draft, the way back to the
    service's page (with a message saying so) as the third."""
    service = _managed(request, pk)
    draft = selectors.draft_of(service)
    if draft is None:
        messages.info(request, _("Belum ada draf. Buat draf baru untuk mengubah layanan ini."))
        return service, None, redirect("catalog:manage_service", pk=service.pk)
    return service, draft, None


def _service_page(request, pk: int, template: str, **reads):
    """A page of one managed service, with ``reads`` (name: selector of the service) beside it."""
    service = _managed(request, pk)
    return render(
        request, template, {"service": service, **{k: read(service) for k, read in reads.items()}}
    )


@login_required
def manage_list(request):
    _manager_required(request)
    page = Paginator(selectors.manageable_services(request.user), 50).get_page(
        _page_number(request)
    )
    return render(
        request,
        "catalog/manage/list.html",
        {
            "page_obj": page,
            "services": page.object_list,
            "can_create": selectors.catalog_workplaces(request.user).exists(),
        },
    )


def _content_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


@login_required
def manage_create(request):
    _manager_required(request)
    workplaces = list(selectors.catalog_workplaces(request.user))
    if not workplaces:
        raise PermissionDenied
    place_form = WorkplaceChoiceForm(request.POST or None, workplaces=workplaces)
    form = ServiceContentForm(request.POST or None, instance=ServiceVersion())
    if request.method == "POST" and place_form.is_valid() and form.is_valid():
        place = place_form.chosen()
        try:
            service = services.create_service(
                actor=request.user, agency=place.agency, mpp=place.mpp, content=form.content()
            )
        except ValidationError as error:
            _content_errors(form, error)
        else:
            messages.success(request, _("Draf layanan tersimpan."))
            return redirect("catalog:manage_service", pk=service.pk)
    return render(request, "catalog/manage/create.html", {"form": form, "place_form": place_form})


@login_required
def manage_service(request, pk: int):
    return _service_page(request, pk, "catalog/manage/service.html", draft=selectors.draft_of)


@login_required
@require_POST
def manage_start_draft(request, pk: int):
    service = _managed(request, pk)
    services.start_draft(service, actor=request.user)
    return redirect("catalog:manage_edit", pk=service.pk)


@login_required
def manage_edit(request, pk: int):
    service, draft, back = _draft_to_edit(request, pk)
    if back:
        return back
    form = ServiceContentForm(request.POST or None, instance=draft)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_draft(draft, actor=request.user, content=form.content())
        except ValidationError as error:
            _content_errors(form, error)
        else:
            messages.success(request, _("Draf tersimpan."))
            if "preview" in request.POST:
                return redirect("catalog:manage_preview", pk=service.pk)
            return redirect("catalog:manage_service", pk=service.pk)
    return render(
        request, "catalog/manage/edit.html", {"service": service, "draft": draft, "form": form}
    )


@login_required
def manage_preview(request, pk: int):
    service, draft = _managed_draft(request, pk)
    from mpp.catalog.form_schema import DefinitionError
    from mpp.catalog.forms_definition import build_form

    application_form = None
    if draft.form_definition:
        try:
            application_form = build_form(draft.form, prefix="pratinjau")
        except DefinitionError:
            application_form = None  # the problems are listed on the page instead
    return render(
        request,
        "catalog/manage/preview.html",
        {
            "service": service,
            "version": draft,
            "application_form": application_form,
            "tz": service.mpp.region.timezone_abbreviation if service.mpp_id else "WIB",
            "problems": services.publication_problems(draft),
        },
    )


@login_required
def manage_publish(request, pk: int):
    service, draft = _managed_draft(request, pk)
    form = PublishForm(request.POST or None, initial={"change_note": draft.change_note})
    problems = services.publication_problems(draft)
    if request.method == "POST" and form.is_valid() and not problems:
        try:
            version = services.publish_draft(
                draft,
                actor=request.user,
                effective_from=form.cleaned_data["effective_from"],
                change_note=form.cleaned_data["change_note"],
                request=request,
            )
        except ValidationError as error:
            _content_errors(form, error)
        else:
            messages.success(
                request, _("Versi %(number)d diterbitkan.") % {"number": version.number}
            )
            return redirect("catalog:manage_service", pk=service.pk)
    return render(
        request,
        "catalog/manage/publish.html",
        {"service": service, "draft": draft, "form": form, "problems": problems},
    )


@login_required
def manage_retire(request, pk: int):
    service = _managed(request, pk)
    if request.method == "POST":
        services.retire_service(service, actor=request.user, request=request)
        messages.success(request, _("Layanan dihentikan dan tidak lagi menerima permohonan baru."))
        return redirect("catalog:manage_service", pk=service.pk)
    return render(request, "catalog/manage/retire.html", {"service": service})


@login_required
def manage_history(request, pk: int):
    return _service_page(
        request, pk, "catalog/manage/history.html", history=selectors.version_history
    )


@login_required
def manage_templates(request):
    _manager_required(request)
    workplaces = list(selectors.catalog_workplaces(request.user))
    templates = list(selectors.national_templates())
    posted = request.method == "POST"
    form = WorkplaceChoiceForm(request.POST if posted else None, workplaces=workplaces)
    if posted:
        template = next((t for t in templates if str(t.pk) == request.POST.get("template")), None)
        valid = form.is_valid()  # cleans first, so a missing template is one more form error
        if template is None:
            form.add_error(None, _("Pilih templat yang tersedia."))
        elif valid:
            place = form.chosen()
            if not can(request.user, Perm.MANAGE_SERVICES, place):
                raise PermissionDenied
            service = services.adopt_template(
                template, actor=request.user, agency=place.agency, mpp=place.mpp, request=request
            )
            messages.success(request, _("Templat diadopsi sebagai draf. Sesuaikan lalu terbitkan."))
            return redirect("catalog:manage_edit", pk=service.pk)
    return render(
        request,
        "catalog/manage/templates.html",
        {"templates": templates, "form": form, "workplaces": workplaces},
    )


# --- Search synonyms -------------------------------------------------------------------------


@login_required
def manage_synonyms(request):
    """The national synonym table: what people type and what it means in service names."""
    if not can(request.user, Perm.MANAGE_SEARCH):
        raise PermissionDenied
    form = SynonymForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            synonym = services.save_synonym(
                actor=request.user,
                term=form.cleaned_data["term"],
                expansion=form.cleaned_data["expansion"],
            )
        except ValidationError as error:
            _content_errors(form, error)
        else:
            messages.success(
                request,
                _("Sinonim “%(term)s” → “%(expansion)s” tersimpan.")
                % {"term": synonym.term, "expansion": synonym.expansion},
            )
            return redirect("catalog:manage_synonyms")
    return render(
        request,
        "catalog/manage/synonyms.html",
        {"form": form, "synonyms": SearchSynonym.objects.order_by(Lower("term"))},
    )


@login_required
@require_POST
def manage_synonym_delete(request, pk: int):
    if not can(request.user, Perm.MANAGE_SEARCH):
        raise PermissionDenied
    synonym = SearchSynonym.objects.filter(pk=pk).first()
    if synonym is None:
        raise Http404
    services.delete_synonym(actor=request.user, synonym=synonym)
    messages.success(request, _("Sinonim “%(term)s” dihapus.") % {"term": synonym.term})
    return redirect("catalog:manage_synonyms")


# --- Form builder ----------------------------------------------------------------------------


def _builder_formset(rows: list[dict]):
    from mpp.catalog.form_builder import FieldRowFormSet, _value_for

    names = [row.get("name") or _value_for(row.get("label") or "") for row in rows]
    return FieldRowFormSet(initial=rows, prefix="f", form_kwargs={"names": names})


@login_required
def manage_form_builder(request, pk: int):
    """Edit the draft's application form field by field (plain posts; htmx swaps it in place)."""
    import json

    from mpp.catalog import form_builder
    from mpp.catalog.form_schema import definition_problems

    service, draft, back = _draft_to_edit(request, pk)
    if back:
        return back
    problems: list[str] = []
    note = ""
    import_text = ""
    formset = None
    if request.method == "POST":
        action = str(request.POST.get("action", "save"))
        if action == "import":
            import_text = str(request.POST.get("json", "")).replace("\x00", "")
            try:
                raw = json.loads(import_text or "[]")
            except json.JSONDecodeError as error:
                problems = [
                    _("JSON tidak sah (baris %(line)d, kolom %(column)d: %(msg)s).")
                    % {"line": error.lineno, "column": error.colno, "msg": error.msg}
                ]
            else:
                problems = definition_problems(raw)
                if not problems:
                    return _save_definition(request, service, draft, raw, imported=True)
        else:
            posted = form_builder.FieldRowFormSet(
                request.POST,
                prefix="f",
                form_kwargs={"names": form_builder.posted_names(request.POST)},
            )
            formset = posted
            if posted.is_valid():
                rows = [
                    {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
                    for form in posted.forms
                    if not form.cleaned_data.get("DELETE") and not form.is_blank()
                ]
                if action == "add":
                    rows.append({"type": "text"})
                    formset = _builder_formset(rows)
                    note = _("Isian baru ditambahkan di bawah. Isi lalu simpan formulir.")
                elif action.startswith(("up:", "down:")):
                    direction, _sep, index = action.partition(":")
                    position = parse_int(index)
                    if position is not None:
                        form_builder.move(rows, position, -1 if direction == "up" else 1)
                    formset = _builder_formset(rows)
                    note = _("Urutan diubah. Simpan formulir untuk menyimpannya.")
                else:
                    raws = [form_builder.FieldRowForm.raw_from(row) for row in rows]
                    problems = definition_problems(raws)
                    if not problems:
                        return _save_definition(request, service, draft, raws)
            else:
                problems = [_("Periksa isian yang ditandai.")]
    if formset is None:
        formset = _builder_formset(form_builder.initial_rows(draft.form_definition))
    return render(
        request,
        "catalog/manage/form_builder.html",
        {
            "service": service,
            "draft": draft,
            "formset": formset,
            "problems": problems,
            "note": note,
            "saved": request.GET.get("disimpan", "") if request.method == "GET" else "",
            "import_text": import_text,
        },
    )


def _save_definition(request, service, draft, raw: list, *, imported: bool = False):
    from mpp.catalog.form_builder import initial_rows

    try:
        services.update_draft(draft, actor=request.user, content={"form_definition": raw})
    except ValidationError as error:
        return render(
            request,
            "catalog/manage/form_builder.html",
            {
                "service": service,
                "draft": draft,
                "formset": _builder_formset(initial_rows(draft.form_definition)),
                "problems": error.messages,
            },
        )
    return redirect(f"{request.path}?disimpan={'2' if imported else '1'}")


@login_required
def manage_form_json(request, pk: int):
    """The draft's form definition as a JSON file (export; import is on the builder page)."""
    from django.http import JsonResponse

    service = _managed(request, pk)
    draft = selectors.draft_of(service)
    if draft is None:
        return redirect("catalog:manage_service", pk=service.pk)
    response = JsonResponse(
        draft.form_definition, safe=False, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = (
        f'attachment; filename="formulir-{service.slug}-v{draft.number}.json"'
    )
    return response


# --- Opening hours and counter hours (docs/calendar.md) ---------------------------------------


@login_required
def manage_hours(request):
    """The MPPs whose opening hours and the agencies whose counter hours the person sets."""
    if not (has_any(request.user, Perm.MANAGE_MPP) or has_any(request.user, Perm.MANAGE_QUEUE)):
        raise PermissionDenied
    return render(
        request,
        "catalog/manage/hours.html",
        {
            "mpps": selectors.hours_mpps(request.user),
            "presences": selectors.hours_presences(request.user),
        },
    )


@login_required
def manage_opening_hours(request, pk: int):
    """One MPP's opening hours, Senin … Minggu, with breaks (Perm.MANAGE_MPP on the MPP)."""
    if not has_any(request.user, Perm.MANAGE_MPP):
        raise PermissionDenied
    mpp = get_object_or_404(selectors.hours_mpps(request.user), pk=pk)
    form = WeeklyHoursForm(
        request.POST or None, rows=selectors.opening_hours_of(mpp), with_break=True
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.set_opening_hours(mpp, form.days(), actor=request.user, request=request)
        except services.HoursError as error:
            error.apply_to(form)
        else:
            messages.success(request, _("Jam layanan %(mpp)s tersimpan.") % {"mpp": mpp.name})
            return redirect("catalog:manage_hours")
    return render(request, "catalog/manage/opening_hours.html", {"form": form, "mpp": mpp})


@login_required
def manage_counter_hours(request, pk: int):
    """One agency's counter hours at an MPP, inside the MPP's (Perm.MANAGE_QUEUE on it)."""
    if not has_any(request.user, Perm.MANAGE_QUEUE):
        raise PermissionDenied
    presence = get_object_or_404(selectors.hours_presences(request.user), pk=pk)
    form = CounterHoursForm(request.POST or None, rows=selectors.counter_hours_of(presence))
    if request.method == "POST" and form.is_valid():
        try:
            services.set_counter_hours(
                presence, form.counter_days(), actor=request.user, request=request
            )
        except services.HoursError as error:
            error.apply_to(form)
        else:
            messages.success(
                request,
                _("Jam loket %(agency)s di %(mpp)s tersimpan.")
                % {"agency": presence.agency.name, "mpp": presence.mpp.name},
            )
            return redirect("catalog:manage_hours")
    return render(
        request,
        "catalog/manage/counter_hours.html",
        {
            "form": form,
            "presence": presence,
            "mpp_hours": sorted(
                selectors.opening_hours_of(presence.mpp).values(), key=lambda r: r.weekday
            ),
        },
    )
