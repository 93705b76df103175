"""Scheduled work of monitoring: reminders before a reporting deadline."""

from __future__ import annotations

from django_tasks import task

from mpp.monitoring import services


@task()
def send_report_reminders() -> dict[str, int]:
    return {"sent": services.send_reminders()}
