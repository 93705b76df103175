"""Helpers shared by the benchmark scripts (run as ``python bench/<name>.py``)."""

from __future__ import annotations


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile of ``values`` (``fraction`` 0.95 for p95)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database named at the end of ``url`` unless it exists."""
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def start_django_on_postgres(media_prefix: str, *, demo: bool = True, migrate: bool = True) -> None:
    """Set Django up on the PostgreSQL database in ``DATABASE_URL``, migrated, with the demo MPPs.

    Tasks go to the dummy backend so that a benchmark measures the request, not the side effects.
    """
    import os
    import sys
    import tempfile

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database of your own (see the docstring).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpp.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["TASK_BACKEND"] = "django_tasks.backends.dummy.DummyBackend"
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix=media_prefix))
    ensure_database(url)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # records response.context for the result counts
    settings.ALLOWED_HOSTS = ["*"]
    settings.AXES_ENABLED = False
    if migrate:
        call_command("migrate", verbosity=0)
    if demo:
        from mpp.accounts import demo as accounts_demo
        from mpp.catalog import demo as catalog_demo

        catalog_demo.load()
        accounts_demo.load()
