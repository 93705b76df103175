"""Reading workflow history."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.utils.functional import Promise

from mpp.workflows.models import TransitionRecord, WorkflowModel


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


def labelled_history(obj: WorkflowModel) -> list[tuple[TransitionRecord, str | Promise]]:
    """The object's transitions, oldest first, with their actors, each with the label its workflow
    gives the action (the action's key when the workflow no longer has it): one query."""
    workflow = obj.get_workflow()
    labels = {t.action: t.label for t in workflow.transitions}
    # The content type leads the history index: without it every record is read.
    records = TransitionRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        workflow=workflow.name,
    ).select_related("actor")
    return [(record, labels.get(record.action, record.action)) for record in records]
