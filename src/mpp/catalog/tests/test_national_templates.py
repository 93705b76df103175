"""The national templates ship as data and load on any database, demo or not."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from mpp.catalog.form_schema import definition_problems
from mpp.catalog.models import Service, ServiceVersion
from mpp.catalog.national_templates import templates_data
from mpp.catalog.services import publication_problems

pytestmark = pytest.mark.django_db


def _run() -> str:
    out = StringIO()
    call_command("load_national_templates", stdout=out)
    return out.getvalue()


def test_a_fresh_database_gets_the_15_published_templates():
    assert Service.objects.templates().count() == 0
    assert "15 shipped, 15 published now, 0 already present" in _run()
    templates = Service.objects.templates().select_related("current_version")
    assert templates.count() == 15
    assert {t.slug for t in templates} == {entry["slug"] for entry in templates_data()}
    for template in templates:
        version = template.current_version
        assert version is not None and version.status == ServiceVersion.Status.PUBLISHED
        assert publication_problems(version) == {}, template.slug
        assert definition_problems(version.form_definition) == [], template.slug
    akta = templates.get(slug="templat-akta-kelahiran").current_version
    assert akta.fee == 0 and akta.time_limit_unit == "hours"


def test_running_it_again_changes_nothing():
    _run()
    before = sorted(ServiceVersion.objects.values_list("pk", "service_id", "status", "updated_at"))
    assert "15 shipped, 0 published now, 15 already present" in _run()
    after = sorted(ServiceVersion.objects.values_list("pk", "service_id", "status", "updated_at"))
    assert after == before
    assert Service.objects.count() == 15


def test_a_template_edited_by_the_ministry_is_left_as_it_is():
    _run()
    template = Service.objects.get(slug="templat-kk-baru")
    ServiceVersion.objects.filter(service=template).update(name="KK baru (diubah kementerian)")
    _run()
    assert template.versions.get().name == "KK baru (diubah kementerian)"
