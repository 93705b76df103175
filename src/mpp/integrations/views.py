"""The connectors' health page and configuration form, for regional and national admins."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from mpp.accounts.policy import Perm, can, has_any
from mpp.integrations import selectors, services
from mpp.integrations.forms import ConfigForm
from mpp.integrations.models import ConnectorConfig
from mpp.integrations.registry import connectors
from mpp.regions.models import Region

NATIONAL = "nasional"


def health(request: HttpRequest) -> HttpResponse:
    if not has_any(request.user, Perm.MANAGE_INTEGRATIONS):
        raise PermissionDenied
    national = selectors.is_national(request.user)
    regions = [] if national else list(selectors.regions_for(request.user))
    return render(
        request,
        "integrations/health.html",
        {
            "rows": selectors.health_for(request.user),
            "connectors": connectors.entries(),
            "national": national,
            "regions": regions,
        },
    )


def configure(request: HttpRequest, connector: str, region: str) -> HttpResponse:
    if not has_any(request.user, Perm.MANAGE_INTEGRATIONS):
        raise PermissionDenied
    entry = connectors.find(connector)
    if entry is None:
        raise Http404
    place = None if region == NATIONAL else Region.objects.filter(code=region).first()
    if region != NATIONAL and place is None:
        raise Http404
    config = ConnectorConfig.objects.filter(connector=connector, region=place).first()
    if not can(request.user, Perm.MANAGE_INTEGRATIONS, config or ConnectorConfig(region=place)):
        raise PermissionDenied
    form = ConfigForm(request.POST or None, connector=entry, config=config)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_config(
                user=request.user,  # type: ignore[arg-type]
                connector_key=connector,
                region=place,
                enabled=form.cleaned_data["enabled"],
                endpoint=form.cleaned_data["endpoint"],
                options=form.options(),
                new_secrets=form.secrets(),
            )
        except services.IntegrationError as error:
            error.apply_to(form)
        else:
            messages.success(request, _("Konfigurasi konektor disimpan."))
            return redirect("integrations:health")
    return render(
        request,
        "integrations/configure.html",
        {
            "form": form,
            "connector": entry,
            "place": place,
            "stored_secrets": bool(config and config.sealed_secrets),
        },
    )
