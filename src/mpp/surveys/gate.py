"""The survey gate: a service may ask for the survey before its document is downloaded."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.contenttypes.models import ContentType

from mpp.surveys.models import Invitation, Questionnaire


def survey_first(user, source_obj, next_url: str) -> str | None:
    """Send the citizen to their open survey first when the service requires it; the survey page
    brings them straight back to ``next_url``. Answered or expired: the download goes on."""
    if not getattr(user, "is_authenticated", False) or source_obj is None:
        return None
    invitation = Invitation.objects.filter(
        content_type=ContentType.objects.get_for_model(type(source_obj)),
        object_id=str(source_obj.pk),
        citizen=user,
    ).first()
    if invitation is None or not invitation.is_open or invitation.service_id is None:
        return None
    required = Questionnaire.objects.filter(
        service_id=invitation.service_id, required_before_download=True
    ).exists()
    if not required:
        return None
    return f"/skm/undangan/{invitation.pk}/?{urlencode({'lanjut': next_url})}"
