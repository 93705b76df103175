"""Uploads and issued documents in an S3-speaking object store (``MPP_STORAGE=s3``).

The store is a real S3 server on a loopback port: moto's server by default (it starts in a second),
or the engine named by ``MPP_TEST_S3_ENDPOINT_URL`` (with ``MPP_TEST_S3_ACCESS_KEY`` and
``MPP_TEST_S3_SECRET_KEY``), such as the cluster's Swift (docs/operations.md)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import boto3
import pytest
from django.db import connection
from django.urls import reverse

from mpp import settings as project_settings
from mpp.accounts.services import issue_token
from mpp.cases import services
from mpp.cases.models import ApplicationDocument
from mpp.cases.tests.factories import issued_application, pdf_upload

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[4]
# Nothing listens on the discard port: a store that is down refuses the connection at once.
DEAD_ENDPOINT = "http://127.0.0.1:9"


@pytest.fixture(scope="module")
def s3_endpoint():
    if os.environ.get("MPP_TEST_S3_ENDPOINT_URL"):
        yield (
            os.environ["MPP_TEST_S3_ENDPOINT_URL"],
            os.environ.get("MPP_TEST_S3_ACCESS_KEY", "test"),
            os.environ.get("MPP_TEST_S3_SECRET_KEY", "test"),
        )
        return
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}", "test", "test"
    server.stop()


@pytest.fixture
def store_env(s3_endpoint, settings):
    """A fresh bucket, and the default storage switched to it as MPP_STORAGE=s3 would."""
    url, access_key, secret_key = s3_endpoint
    env = {
        "MPP_STORAGE": "s3",
        "MPP_S3_ENDPOINT_URL": url,
        "MPP_S3_BUCKET": f"mpp-test-{uuid.uuid4().hex[:12]}",
        "MPP_S3_ACCESS_KEY": access_key,
        "MPP_S3_SECRET_KEY": secret_key,
        "MPP_S3_CONNECT_TIMEOUT_SECONDS": "1",
    }
    _client(env).create_bucket(Bucket=env["MPP_S3_BUCKET"])
    settings.STORAGES = {**settings.STORAGES, "default": project_settings.s3_storage(env)}
    return env


def _client(env):
    return boto3.client(
        "s3",
        endpoint_url=env["MPP_S3_ENDPOINT_URL"],
        aws_access_key_id=env["MPP_S3_ACCESS_KEY"],
        aws_secret_access_key=env["MPP_S3_SECRET_KEY"],
        region_name="us-east-1",
    )


def _store_down(settings, env):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": project_settings.s3_storage({**env, "MPP_S3_ENDPOINT_URL": DEAD_ENDPOINT}),
    }


def _api_upload(client, citizen, draft):
    """The citizen's upload of a PDF to the draft through the API (answers in English)."""
    _token, raw = issue_token(citizen)
    return client.post(
        f"/api/v1/applications/{draft.pk}/documents",
        {"field": "dokumen", "file": pdf_upload()},
        headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"},
    )


def test_files_live_in_the_store_and_download_as_before(
    client, service, citizen, signing, store_env, settings, django_capture_on_commit_callbacks
):
    application, _officer = issued_application(service, citizen, django_capture_on_commit_callbacks)
    upload = application.documents.get()
    names = {
        item["Key"]
        for item in _client(store_env).list_objects_v2(Bucket=store_env["MPP_S3_BUCKET"])[
            "Contents"
        ]
    }
    assert {upload.file.name, application.issued_document.file.name} <= names
    assert not Path(settings.MEDIA_ROOT).exists() or not any(Path(settings.MEDIA_ROOT).rglob("*.*"))

    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    served = client.get(reverse("cases:file", args=[application.pk, upload.pk]))
    assert served.status_code == 200
    assert served["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in served["Content-Security-Policy"]
    assert served["X-Content-Type-Options"] == "nosniff"
    assert hashlib.sha256(b"".join(served.streaming_content)).hexdigest() == upload.sha256
    pdf = client.get(reverse("cases:pdf", args=[application.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Disposition"].startswith("attachment;")
    assert pdf["Cache-Control"] == "private, no-store"
    body = b"".join(pdf.streaming_content)
    assert hashlib.sha256(body).hexdigest() == application.issued_document.sha256
    assert client.get("/readyz").json()["store"] == "ok"


def test_an_upload_while_the_store_is_down_is_refused_and_nothing_is_kept(
    client, service, citizen, store_env, settings
):
    draft = services.start_application(service=service, applicant=citizen)
    services.update_draft(draft, actor=citizen, data={"nama_lengkap": "Budi"})
    _store_down(settings, store_env)
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")

    page = client.post(reverse("cases:step", args=[draft.pk, 3]), {"dokumen": pdf_upload()})
    assert page.status_code == 503
    assert "Penyimpanan berkas sedang tidak tersedia" in page.content.decode()
    assert "berkas Anda belum tersimpan" in page.content.decode()

    api = _api_upload(client, citizen, draft)
    assert api.status_code == 503
    assert api["Content-Type"] == "application/problem+json"
    assert api.json()["title"] == "The file store is unavailable."
    assert not ApplicationDocument.objects.exists()
    draft.refresh_from_db()
    assert "dokumen" not in draft.data
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": "ok", "cache": "ok", "store": "unavailable"}


def test_an_upload_to_a_store_without_its_bucket_is_refused_with_503(
    client, service, citizen, store_env, settings
):
    # Swift answers NoSuchBucket while it stops (its proxy up, the account server gone already).
    draft = services.start_application(service=service, applicant=citizen)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": project_settings.s3_storage({**store_env, "MPP_S3_BUCKET": "mpp-missing"}),
    }
    api = _api_upload(client, citizen, draft)
    assert api.status_code == 503
    assert api.json()["title"] == "The file store is unavailable."
    assert not ApplicationDocument.objects.exists()


def test_a_download_while_the_store_is_down_answers_503(
    client, service, citizen, signing, store_env, settings, django_capture_on_commit_callbacks
):
    application, _officer = issued_application(service, citizen, django_capture_on_commit_callbacks)
    _store_down(settings, store_env)
    _token, raw = issue_token(citizen)
    api = client.get(
        f"/api/v1/applications/{application.pk}/document",
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert api.status_code == 503
    assert api.json()["title"] == "Penyimpanan berkas sedang tidak tersedia."
    assert api["Retry-After"]
    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    upload = application.documents.get()
    page = client.get(reverse("cases:file", args=[application.pk, upload.pk]))
    assert page.status_code == 503


@pytest.mark.parametrize("store", ["disk", "s3"])
def test_a_recorded_file_missing_from_the_store_answers_404_with_the_reason(
    store, client, service, citizen, signing, request, settings, django_capture_on_commit_callbacks
):
    """A file lost from the store (a restored backup without it, a hand-made deletion) is not a
    server error: the person is told what is missing and whom to tell; operators find it logged."""
    if store == "s3":
        request.getfixturevalue("store_env")
    else:
        settings.MEDIA_ROOT = request.getfixturevalue("tmp_path") / "media"
    application, _officer = issued_application(service, citizen, django_capture_on_commit_callbacks)
    upload = application.documents.get()
    upload.file.storage.delete(upload.file.name)
    document = application.issued_document
    document.file.storage.delete(document.file.name)

    client.force_login(citizen, backend="mpp.accounts.backends.NikOrUsernameBackend")
    for url in (
        reverse("cases:file", args=[application.pk, upload.pk]),
        reverse("cases:pdf", args=[application.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 404
        assert "Berkas tidak ditemukan." in page.content.decode()
    _token, raw = issue_token(citizen)
    api = client.get(
        f"/api/v1/applications/{application.pk}/document",
        headers={"Authorization": f"Bearer {raw}", "Accept-Language": "en"},
    )
    assert api.status_code == 404
    assert api.json()["title"] == "The file was not found."


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a second process shares the database on PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_what_one_process_stored_another_reads(
    service, citizen, signing, store_env, tmp_path, django_capture_on_commit_callbacks
):
    application, _officer = issued_application(service, citizen, django_capture_on_commit_callbacks)
    upload = application.documents.get()
    document = application.issued_document
    db = connection.settings_dict
    env = {
        **os.environ,
        **store_env,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "MEDIA_ROOT": str(tmp_path / "other-node-media"),  # shares nothing with this process
        "PYTHONPATH": str(ROOT / "src"),
    }
    script = (
        "import hashlib;"
        "from mpp.cases.models import ApplicationDocument;"
        "from mpp.documents.models import IssuedDocument;"
        f"u = ApplicationDocument.objects.get(pk={upload.pk});"
        f"d = IssuedDocument.objects.get(pk={document.pk});"
        "print(hashlib.sha256(u.file.open('rb').read()).hexdigest());"
        "print(hashlib.sha256(d.file.open('rb').read()).hexdigest())"
    )
    read = subprocess.run(  # noqa: S603 (this Python, fixed arguments)
        [sys.executable, str(ROOT / "manage.py"), "shell", "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert read.returncode == 0, read.stderr
    assert read.stdout.split()[-2:] == [upload.sha256, document.sha256]  # after shell's banner
