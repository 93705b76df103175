from django.apps import AppConfig


class WorkflowsTestAppConfig(AppConfig):
    """A test-only app with a concrete workflow model; installed by conftest.py during tests only."""

    name = "mpp.workflows.tests.testapp"
    label = "workflows_testapp"
    default_auto_field = "django.db.models.BigAutoField"
