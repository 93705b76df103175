"""The staff work menu, as data: one entry per workspace page, with the permissions that open it.

The workspace (``/akun/kerja/``) lists every entry the person may open, and the site header links
the entries marked ``header``. An entry is shown when the person holds any of its permissions on
some scope (``policy.has_any``), which is the same rule the page itself applies, so a menu never
links to a page that answers 403 and never hides a page the person may open:
``accounts/tests/test_menu.py`` opens every entry as every demo role and checks both ways. A new
workspace page gets an entry here (URL name and permissions), nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from mpp.accounts.policy import Perm, Principal, has_any
from mpp.links import link


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    label: Promise
    perms: tuple[Perm, ...]
    header_label: Promise | None = None  # also linked in the site header, with this shorter label

    @property
    def url(self) -> str:
        return link(self.url_name)

    def opens_for(self, user: Principal) -> bool:
        return any(has_any(user, perm) for perm in self.perms)


CASE_PERMS = (Perm.VIEW_CASES, Perm.DECIDE_CASES, Perm.ASSIGN_CASES, Perm.OVERSEE_CASES)
COMPLAINT_PERMS = (Perm.HANDLE_COMPLAINTS, Perm.RESPOND_COMPLAINTS, Perm.OVERSEE_COMPLAINTS)

WORK_MENU: tuple[MenuEntry, ...] = (
    MenuEntry("cases:inbox", _("Kotak masuk permohonan"), CASE_PERMS, header_label=_("Permohonan")),
    MenuEntry(
        "cases:counter",
        _("Layanan loket: ajukan untuk warga yang datang langsung"),
        (Perm.FILE_AT_COUNTER,),
    ),
    MenuEntry(
        "catalog:manage_list", _("Kelola layanan dan standar pelayanan"), (Perm.MANAGE_SERVICES,)
    ),
    MenuEntry(
        "documents:signatories", _("Pejabat penanda tangan dokumen"), (Perm.MANAGE_SERVICES,)
    ),
    MenuEntry("complaints:queue", _("Pengaduan dan konsultasi"), COMPLAINT_PERMS),
    MenuEntry(
        "complaints:integrations",
        _("Integrasi pengaduan: kunci API Open311"),
        (Perm.MANAGE_INTEGRATIONS,),
    ),
    MenuEntry(
        "integrations:health",
        _("Integrasi: konektor Dukcapil dan kesehatannya"),
        (Perm.MANAGE_INTEGRATIONS,),
    ),
    MenuEntry(
        "queueing:manage_home",
        _("Antrean: loket, pengaturan dan statistik"),
        (Perm.MANAGE_QUEUE, Perm.SERVE_QUEUE, Perm.VIEW_STATISTICS),
    ),
    MenuEntry(
        "queueing:assistance_home",
        _("Pendampingan pengunjung hari ini"),
        (Perm.ASSIST_VISITORS,),
    ),
    MenuEntry(
        "catalog:manage_hours",
        _("Jam layanan MPP dan jam loket instansi"),
        (Perm.MANAGE_MPP, Perm.MANAGE_QUEUE),
    ),
    MenuEntry(
        "activities:manage_home",
        _("Kegiatan MPP: program, pendaftar dan kehadiran"),
        (Perm.MANAGE_ACTIVITIES,),
    ),
    MenuEntry(
        "devices:home",
        _("Perangkat MPP: anjungan, layar panggilan dan kios SKM"),
        (Perm.MANAGE_DEVICES,),
    ),
    MenuEntry(
        "rooms:manage_home",
        _("Ruang MPP: peminjaman oleh komunitas"),
        (Perm.MANAGE_ROOMS,),
    ),
    MenuEntry("calendar:calendar", _("Kalender hari kerja"), (Perm.MANAGE_CALENDAR,)),
    MenuEntry(
        "accounts:mpp_networks",
        _("Jaringan internet MPP (batas permintaan lebih longgar)"),
        (Perm.MANAGE_MPP,),
    ),
    MenuEntry(
        "onboarding:list",
        _("Penerapan MPP Digital dan SK Pengelola"),
        (Perm.VIEW_ONBOARDING, Perm.APPLY_ONBOARDING, Perm.MANAGE_ONBOARDING),
    ),
    MenuEntry(
        "monitoring:periods",
        _("Monitoring dan evaluasi MPP Digital"),
        (Perm.VIEW_MONITORING, Perm.SUBMIT_MONITORING, Perm.REVIEW_MONITORING),
    ),
    MenuEntry("catalog:manage_synonyms", _("Sinonim pencarian"), (Perm.MANAGE_SEARCH,)),
    MenuEntry("reporting:index", _("Dasbor kinerja"), (Perm.VIEW_STATISTICS,)),
    MenuEntry("accounts:staff_roles", _("Kelola peran petugas"), (Perm.MANAGE_ROLES,)),
    MenuEntry(
        "surveys:manage",
        _("Survei kepuasan masyarakat (SKM)"),
        (Perm.MANAGE_SURVEYS, Perm.VIEW_STATISTICS),
    ),
    MenuEntry("accounts:audit_log", _("Jejak audit keamanan"), (Perm.VIEW_AUDIT,)),
)


def menu_for(user: Principal) -> list[MenuEntry]:
    """The entries ``user`` may open, in menu order (none for a citizen or a visitor)."""
    if not getattr(user, "is_staff_member", False):
        return []
    return [entry for entry in WORK_MENU if entry.opens_for(user)]


def header_menu(request: HttpRequest) -> dict[str, Any]:
    """Context processor: the work entries of the site header, computed only when a page renders
    them (the grants are loaded once per request anyway)."""
    from django.utils.functional import SimpleLazyObject

    return {
        "header_menu": SimpleLazyObject(
            lambda: [e for e in menu_for(request.user) if e.header_label is not None]
        )
    }
