"""The form builder: the draft's application form edited without JSON, through plain posts."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from mpp.accounts.models import Role
from mpp.accounts.tests.factories import staff
from mpp.accounts.tests.helpers import login_staff
from mpp.catalog import selectors
from mpp.catalog.form_builder import initial_rows
from mpp.catalog.form_schema import FormDefinition
from mpp.catalog.tests.factories import SAMPLE_FORM, PublishedServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(client):
    service = PublishedServiceFactory(name="Penerbitan akta kelahiran")
    admin = staff(Role.AGENCY_ADMIN, agency=service.agency)
    login_staff(client, admin)
    client.post(reverse("catalog:manage_start_draft", args=[service.pk]))
    return selectors.draft_of(service)


def _post_data(rows: list[dict], **extra) -> dict:
    data: dict[str, object] = {"f-TOTAL_FORMS": str(len(rows)), "f-INITIAL_FORMS": str(len(rows))}
    for index, row in enumerate(rows):
        for key, value in row.items():
            if value is None or value is False:
                continue
            if isinstance(value, list):
                data[f"f-{index}-{key}"] = value
            else:
                data[f"f-{index}-{key}"] = "on" if value is True else str(value)
    data.update(extra)
    return data


def test_the_builder_shows_every_field_and_saves_them_unchanged(draft, client):
    url = reverse("catalog:manage_form", args=[draft.service_id])
    page = client.get(url).content.decode()
    assert "Nama lengkap" in page and "Alasan penggantian" in page
    assert "htmx.min.js" in page  # the one kind of back-office page that opts into htmx
    response = client.post(url, _post_data(initial_rows(draft.form_definition), action="save"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert FormDefinition.parse(draft.form_definition) == FormDefinition.parse(SAMPLE_FORM)


def test_adding_a_conditional_file_field(draft, client):
    url = reverse("catalog:manage_form", args=[draft.service_id])
    rows = initial_rows(draft.form_definition)
    page = client.post(url, _post_data(rows, action="add")).content.decode()
    assert f"Isian {len(rows) + 1}" in page
    new = {
        "label": "Surat keterangan penggantian",
        "type": "file",
        "required": True,
        "visible_if_field": "jenis",
        "visible_if_value": "ganti",
        "file_types": ["application/pdf", "image/jpeg"],
        "max_megabytes": "2",
    }
    response = client.post(url, _post_data([*rows, new], action="save"))
    assert response.status_code == 302
    draft.refresh_from_db()
    field = FormDefinition.parse(draft.form_definition).get("surat_keterangan_penggantian")
    assert field.type == "file" and field.required
    assert field.visible_if.field == "jenis" and field.visible_if.value == "ganti"
    assert field.file_types == ("application/pdf", "image/jpeg")
    assert field.max_bytes == 2 * 1024 * 1024


def test_a_condition_on_a_later_field_is_refused_and_nothing_changes(draft, client):
    url = reverse("catalog:manage_form", args=[draft.service_id])
    before = list(draft.form_definition)
    rows = initial_rows(draft.form_definition)
    rows[0]["visible_if_field"] = "jenis"
    rows[0]["visible_if_value"] = "baru"
    page = client.post(url, _post_data(rows, action="save")).content.decode()
    assert "Formulir belum dapat disimpan" in page
    assert "lebih awal" in page
    draft.refresh_from_db()
    assert draft.form_definition == before


def test_fields_move_up_and_down_and_are_deleted(draft, client):
    url = reverse("catalog:manage_form", args=[draft.service_id])
    rows = initial_rows(draft.form_definition)
    page = client.post(url, _post_data(rows, action="down:0")).content.decode()
    assert page.index('value="nik"') < page.index('value="nama_lengkap"')
    rows[1]["DELETE"] = True
    client.post(url, _post_data(rows, action="save"))
    draft.refresh_from_db()
    assert [f["name"] for f in draft.form_definition][:2] == ["nama_lengkap", "jenis"]


def test_json_export_and_import_stay(draft, client):
    export = client.get(reverse("catalog:manage_form_json", args=[draft.service_id]))
    assert export["Content-Disposition"].startswith("attachment;")
    definition = json.loads(export.content)
    assert definition == draft.form_definition
    url = reverse("catalog:manage_form", args=[draft.service_id])
    bad = client.post(url, {"action": "import", "json": "[{"}).content.decode()
    assert "JSON tidak sah" in bad
    client.post(url, {"action": "import", "json": json.dumps(definition[:2])})
    draft.refresh_from_db()
    assert draft.form_definition == definition[:2]
