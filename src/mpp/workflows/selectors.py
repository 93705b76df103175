"""Reading workflow history."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet

from mpp.workflows.models import TransitionRecord


def timeline(obj: Model) -> QuerySet[TransitionRecord]:
    """The object's transitions, oldest first, with their actors: one query (the content type is
    cached per process by Django)."""
    return (
        TransitionRecord.objects.filter(
            content_type=ContentType.objects.get_for_model(obj),
            object_id=str(obj.pk),
        )
        .select_related("actor")
        .order_by("at", "id")
    )
