"""Demo applications, so that an officer logging in to the demo finds work in the inbox.

Filed through the real services (start, fill, attach, submit, and for one an officer's revision
request), never by writing rows directly. Loaded once: re-running the demo keeps what exists.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from mpp.accounts.models import User
from mpp.cases import services
from mpp.cases.models import Application
from mpp.catalog.form_schema import FormField
from mpp.catalog.models import Service
from mpp.documents.uploads import blank_pdf

# A tiny but real PDF (what a scanned document upload is checked as).
DEMO_PDF = blank_pdf()

# (citizen NIK, Batam service slug without the ``batam-`` prefix, ask for a revision afterwards)
DEMO_APPLICATIONS = [
    ("2171011508900003", "akta-kelahiran", False),
    ("2171011508900003", "kk-baru", True),
    ("2171055204950001", "sip-dokter", False),
]


def _value_for(item: FormField, applicant: User) -> object:
    kind = item.type
    if kind == "nik":
        return applicant.nik
    if kind == "date":
        return "2026-11-02"
    if kind == "number":
        return "1"
    if kind == "region":
        return "2171"
    if kind in ("choice", "multiple_choice"):
        first = (item.choices or ())[0].value
        return [first] if kind == "multiple_choice" else first
    return "Contoh isian demo"


def _fill(application: Application, applicant: User) -> None:
    definition = application.service_version.form.fields
    values = {item.name: _value_for(item, applicant) for item in definition if item.type != "file"}
    services.update_draft(application, actor=applicant, data=values)
    for item in definition:
        if item.type == "file" and "application/pdf" in (item.file_types or ()):
            upload = SimpleUploadedFile("dokumen.pdf", DEMO_PDF, content_type="application/pdf")
            services.attach_file(application, actor=applicant, field=item.name, upload=upload)


def load() -> int:
    """File the demo applications unless the demo citizens already have some; returns how many."""
    citizens = {
        user.nik: user
        for user in User.objects.filter(nik__in={nik for nik, _, _ in DEMO_APPLICATIONS})
    }
    if Application.objects.filter(applicant__in=citizens.values()).exists():
        return 0
    officer = User.objects.get(username="petugas.dukcapil")
    filed = 0
    for nik, slug_part, revise in DEMO_APPLICATIONS:
        service = Service.objects.published().filter(slug=f"batam-{slug_part}").first()
        if service is None or not service.current_version.accepts_online:
            continue
        applicant = citizens[nik]
        application = services.start_application(applicant=applicant, service=service)
        _fill(application, applicant)
        services.submit_application(application, actor=applicant)
        filed += 1
        if revise:
            application.refresh_from_db()
            services.claim_application(application, actor=officer)
            application.refresh_from_db()
            services.request_revision(
                application,
                actor=officer,
                note="Mohon unggah ulang surat keterangan kelahiran yang terbaca jelas.",
            )
    return filed
