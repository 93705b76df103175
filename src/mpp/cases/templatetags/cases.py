from django import template
from django.utils.translation import gettext_lazy as _

from mpp.cases.models import Status
from mpp.cases.workflow import APPLICATION, WITHOUT_APPROVAL

register = template.Library()

_ACTION_LABELS = {
    t.action: t.label for t in (*APPLICATION.transitions, *WITHOUT_APPROVAL.transitions)
}


@register.filter
def status_label(value: str) -> str:
    try:
        return str(Status(value).label)
    except ValueError:
        return value


@register.filter
def action_label(value: str) -> str:
    return str(_ACTION_LABELS.get(value, value))


# Each step of the history as a sentence a citizen reads ("Diajukan oleh pemohon").
_SENTENCES = {
    "submit": _("Diajukan oleh pemohon"),
    "claim": _("Mulai ditangani petugas"),
    "assign": _("Diserahkan kepada petugas lain"),
    "request_revision": _("Petugas meminta perbaikan"),
    "resubmit": _("Perbaikan dikirim kembali oleh pemohon"),
    "approve": _("Disetujui petugas"),
    "reject": _("Ditolak petugas"),
    "issue": _("Dokumen diterbitkan"),
    "withdraw": _("Dibatalkan oleh pemohon"),
    "auto_approve": _("Disetujui otomatis karena batas waktu terlampaui (fiktif positif)"),
    "hold": _("Ditahan karena data SATUSEHAT SDMK tidak cocok"),
}
_COUNTER_SENTENCES = {
    "submit": _("Diajukan di loket oleh petugas"),
    "resubmit": _("Perbaikan dikirim kembali di loket"),
}


@register.simple_tag
def history_sentence(record, application) -> str:
    """The sentence for one history record of ``application``."""
    if getattr(record, "sentence", ""):  # a document event (revocation) says its own
        return record.sentence
    if application.channel == "counter" and record.action in _COUNTER_SENTENCES:
        return str(_COUNTER_SENTENCES[record.action])
    return str(_SENTENCES.get(record.action) or _ACTION_LABELS.get(record.action, record.action))
