"""Tasks (django-tasks): the SP4N-LAPOR! forward and its sweep."""

from __future__ import annotations

from django_tasks import task

from mpp.complaints import services


@task()
def send_forward(forward_pk: int) -> str:
    """Send one forward (idempotent: see ``services.send_forward``)."""
    return services.send_forward(forward_pk)


@task()
def send_due_forwards() -> int:
    """Enqueue the forwards that are due or were left "sending" by a dead process."""
    return services.send_due_forwards()
