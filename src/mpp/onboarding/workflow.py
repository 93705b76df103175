"""The ``region_onboarding`` workflow: the four stages of the seed, as data.

Stages: (1) Permohonan (``submitted``, ``returned``), (2) Penetapan lokus (``designated``),
(3) Penandatanganan perjanjian (``agreement_signed``), (4) Penggunaan / hak akses (``active``,
``probation``). ``revoked``: the locus lost its status (final). No action jumps a stage: granting
access from ``designated`` does not exist, so the engine refuses it and nothing changes.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from mpp.workflows.definitions import SYSTEM, Transition, Workflow

# The applying region: its regional admin, or the contact named on the application once invited
# by the ministry (``Role.REGION_CONTACT``, verified owner of the address only).
REGION = "region"
MINISTRY = "ministry"  # a ministry admin (MANAGE_ONBOARDING)

STATES = (
    "submitted",
    "returned",
    "designated",
    "agreement_signed",
    "active",
    "probation",
    "revoked",
)

STAGE_OF = {
    "submitted": 1,
    "returned": 1,
    "designated": 2,
    "agreement_signed": 3,
    "active": 4,
    "probation": 4,
    "revoked": 0,
}

STAGE_LABELS = {
    1: _("Permohonan"),
    2: _("Penetapan lokus"),
    3: _("Penandatanganan perjanjian"),
    4: _("Penggunaan / pemberian hak akses"),
    0: _("Status lokus dicabut"),
}

REGION_ONBOARDING = Workflow(
    name="region_onboarding",
    states=STATES,
    initial="submitted",
    final={"revoked"},
    transitions=[
        Transition(
            "return", {"submitted"}, "returned", {MINISTRY}, label=_("Kembalikan"),
            note_required=True,
        ),
        Transition("resubmit", {"returned"}, "submitted", {REGION}, label=_("Ajukan kembali")),
        Transition("designate", {"submitted"}, "designated", {MINISTRY}, label=_("Tetapkan lokus")),
        # The deadline sweep: the review is overdue; recorded once per review, the ministry told.
        Transition(
            "escalate", {"submitted"}, "submitted", {SYSTEM},
            label=_("Penelaahan melewati batas waktu"),
        ),
        Transition(
            "upload_agreement", {"designated"}, "agreement_signed", {REGION},
            label=_("Unggah perjanjian"),
        ),
        Transition(
            "grant_access", {"agreement_signed"}, "active", {MINISTRY}, label=_("Berikan hak akses")
        ),
        Transition(
            "probation", {"active"}, "probation", {MINISTRY}, label=_("Tetapkan masa pembinaan"),
            note_required=True,
        ),
        Transition(
            "restore", {"probation"}, "active", {MINISTRY}, label=_("Pulihkan status"),
            note_required=True,
        ),
        Transition(
            "revoke", {"active", "probation"}, "revoked", {MINISTRY}, label=_("Cabut status lokus"),
            note_required=True,
        ),
    ],
)  # fmt: skip

# The action each stage expects next, to name it when a skipped stage is refused.
NEXT_ACTION = {
    "submitted": "designate",
    "returned": "resubmit",
    "designated": "upload_agreement",
    "agreement_signed": "grant_access",
}

# Who acts next at each state and what they must do, shown on the application's page to everyone
# who may see it (the ministry's page once offered nothing at a stage waiting on the region).
NEXT_STEP = {
    "submitted": (
        MINISTRY,
        _(
            "Kementerian PANRB menelaah permohonan dan daftar periksa kesiapan, lalu menetapkan "
            "daerah sebagai lokus pada suatu tahap atau mengembalikan permohonan dengan alasan."
        ),
    ),
    "returned": (
        REGION,
        _(
            "Daerah memperbaiki permohonan sesuai alasan pengembalian, lalu mengajukannya "
            "kembali. Narahubung daerah bertindak setelah menerima undangan melalui surel."
        ),
    ),
    "designated": (
        REGION,
        _(
            "Daerah menandatangani perjanjian penerapan dan mengunggah berkas perjanjian yang "
            "telah ditandatangani (PDF atau gambar). Narahubung daerah bertindak setelah menerima "
            "undangan melalui surel."
        ),
    ),
    "agreement_signed": (
        MINISTRY,
        _(
            "Kementerian PANRB memeriksa perjanjian yang diunggah, lalu memberikan hak akses: "
            "MPP daerah diaktifkan dan admin daerah serta pengelola MPP diundang."
        ),
    ),
    "active": (
        MINISTRY,
        _(
            "Daerah menggunakan MPP Digital. Kementerian PANRB memantau kinerjanya dan dapat "
            "menetapkan masa pembinaan atau mencabut status lokus dengan alasan."
        ),
    ),
    "probation": (
        MINISTRY,
        _(
            "Daerah berada dalam masa pembinaan. Kementerian PANRB memulihkan status atau "
            "mencabut status lokus dengan alasan."
        ),
    ),
    "revoked": (
        None,
        _("Status lokus dicabut. Daerah dapat mengajukan permohonan baru."),
    ),
}
ACTOR_LABELS = {REGION: _("Daerah"), MINISTRY: _("Kementerian PANRB")}
