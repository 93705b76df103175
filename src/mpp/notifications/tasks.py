"""Tasks (django-tasks): delivery after commit and the retry sweep."""

from __future__ import annotations

from django_tasks import task

from mpp.notifications import services


@task()
def deliver_notification(notification_id: str) -> dict[str, str]:
    return services.deliver_notification(notification_id)


@task()
def retry_failed_notifications() -> int:
    return services.retry_failed_notifications()
