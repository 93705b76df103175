"""Complaints in a given state, made through the services (so clocks and history are real)."""

from __future__ import annotations

from typing import Any

from mpp.accounts.models import User
from mpp.complaints import services
from mpp.complaints.demo import DESK_USERNAME
from mpp.complaints.models import About, Category, Complaint, Kind
from mpp.complaints.workflow import AGENCY, DESK
from mpp.tenancy.models import MPP, Agency


def submitted(**overrides) -> Complaint:
    batam = MPP.objects.get(slug="mpp-kota-batam")
    values: dict[str, Any] = {
        "kind": Kind.COMPLAINT,
        "about": About.AGENCY,
        "title": "Antrean terlalu lama",
        "text": "Saya menunggu tiga jam di loket.",
        "mpp": batam,
        "agency": Agency.objects.get(slug="disdukcapil-batam"),
        "category": Category.objects.get(code="layanan-lambat", region=None),
        "reporter_name": "Budi",
    }
    values.update(overrides)
    reporter = values.pop("reporter", None)
    channel = "web" if reporter else "api"
    return services.submit_complaint(
        services.Submission(**values), reporter=reporter, channel=channel
    )


def desk() -> User:
    return User.objects.get(username=DESK_USERNAME)


def officer() -> User:
    return User.objects.get(username="petugas.dukcapil")


def forwarded(**overrides) -> Complaint:
    complaint = submitted(**overrides)
    return services.take_action(complaint, "verify", user=desk(), kinds={DESK})


def answered(text: str = "Kami menambah satu loket mulai besok.", **overrides) -> Complaint:
    complaint = forwarded(**overrides)
    return services.take_action(complaint, "respond", user=officer(), kinds={AGENCY}, note=text)


def citizen() -> User:
    """The demo citizen (Siti), who files the web form's complaints."""
    return User.objects.get(nik="2171011508900003")


def web_form(**extra) -> dict:
    """The complaint form about the Batam MPP itself, as a citizen fills it in."""
    return {
        "kind": "pengaduan",
        "about": "mpp",
        "mpp": MPP.objects.get(slug="mpp-kota-batam").pk,
        "title": "AC ruang tunggu mati",
        "text": "Sudah seminggu pendingin ruangan tidak menyala.",
        **extra,
    }
