"""Everything held about one person, for their data export (UU 27/2022).

It lives in the top layer because it reads every app that holds the person's data; a new process
(complaints, surveys...) adds its part here.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from mpp.accounts.models import User
from mpp.audit.selectors import access_log_of
from mpp.cases.models import Application


def data_about(user: User) -> dict:
    """Everything held about ``user``, for the data export (UU 27/2022), as JSON-ready values."""
    applications = Application.objects.filter(applicant=user).select_related("service_version")
    return {
        "account": {
            "username": user.username,
            "name": user.name,
            "nik": user.nik,
            "birth_date": user.birth_date.isoformat() if user.birth_date else None,
            "email": user.email,
            "phone": user.phone,
            "date_joined": user.date_joined.isoformat(),
        },
        "privacy_consents": [
            {"notice_version": c.notice_version, "at": c.at.isoformat()}
            for c in user.privacy_consents.all()
        ],
        "applications": [
            {
                "tracking_number": a.tracking_number,
                "service": a.service_version.name,
                "status": a.status,
                "channel": a.channel,
                "created_at": a.created_at.isoformat(),
                "submitted_at": a.submitted_at.isoformat() if a.submitted_at else None,
                "answers": a.data,
            }
            for a in applications.order_by("created_at", "id")
        ],
        "access_log": [
            {
                "at": r.at.isoformat(),
                "agency": r.agency_name,
                "officer": r.viewer_name,
                "role": r.viewer_role,
                "what": r.kind,
                "reference": r.reference,
                "channel": r.channel,
            }
            for r in access_log_of(user)
        ],
    }


@login_required
def export_json(request):
    response = JsonResponse(
        data_about(request.user), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Content-Disposition"] = 'attachment; filename="data-saya.json"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def export_html(request):
    user = request.user
    account = [
        (_("Nama pengguna"), user.username),
        (_("Nama"), user.name),
        (_("NIK"), user.nik),
        (_("Tanggal lahir"), user.birth_date),
        (_("Surel"), user.email),
        (_("Telepon"), user.phone),
    ]
    response = render(
        request,
        "accounts/data_export.html",
        {
            "account": account,
            "consents": user.privacy_consents.all(),
            "applications": Application.objects.filter(applicant=user)
            .select_related("service_version")
            .order_by("created_at", "id"),
            "access_log": access_log_of(user),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response
