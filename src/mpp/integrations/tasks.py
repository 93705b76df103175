"""The integrations' tasks: one verification, tried after the commit or again by the sweep."""

from __future__ import annotations

from django_tasks import task


@task()
def run_verification(verification_id: int) -> str:
    """Ask the connector for one verification; idempotent (a settled one is left alone)."""
    from mpp.integrations import services

    return services.run_verification(verification_id)
