"""A survey unit ("<kind>:<id>"): the nation, a kab/kota, an MPP, an agency, an agency at an MPP,
or a service. Parsed from the API/web parameter, turned into the ``DaySum`` (and ``OfficerDaySum``)
keys of a response and into the policy scope of whoever reads its IKM."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from mpp.parsing import parse_id
from mpp.surveys.models import UnitKind
from mpp.tenancy.scope import Scope


class BadUnit(ValueError):
    pass


@dataclass(frozen=True)
class Unit:
    kind: str
    id: str = ""  # region code, MPP/agency/service id, "<agency>@<mpp>" for a presence

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"

    def __str__(self) -> str:
        return self.key

    def response_filter(self) -> Q:
        """The ``Response`` rows of this unit."""
        if self.kind == UnitKind.NATIONAL:
            return Q(pk__isnull=False)
        if self.kind == UnitKind.REGION:
            return Q(region_id=self.id)
        if self.kind == UnitKind.PRESENCE:
            agency, mpp = self.id.split("@")
            return Q(agency_id=int(agency), mpp_id=int(mpp))
        return Q(**{f"{self.kind}_id": int(self.id)})

    def resolve(self):
        """(label, Scope) of the unit, or raise BadUnit when it does not exist."""
        from mpp.catalog.models import Service
        from mpp.regions.models import Region
        from mpp.tenancy.models import MPP, Agency

        try:
            if self.kind == UnitKind.NATIONAL:
                return _("Nasional"), Scope()
            if self.kind == UnitKind.REGION:
                region = Region.objects.get(pk=self.id)
                return region.name, Scope(region_codes=frozenset({region.pk}))
            if self.kind == UnitKind.MPP:
                mpp = MPP.objects.get(pk=int(self.id))
                return mpp.name, Scope(
                    region_codes=frozenset({mpp.region_id}), mpp_ids=frozenset({mpp.pk})
                )
            if self.kind == UnitKind.AGENCY:
                agency = Agency.objects.get(pk=int(self.id))
                return agency.name, Scope(agency_id=agency.pk)
            if self.kind == UnitKind.PRESENCE:
                agency_id, mpp_id = (int(part) for part in self.id.split("@"))
                agency = Agency.objects.get(pk=agency_id)
                mpp = MPP.objects.get(pk=mpp_id)
                return f"{agency.name} — {mpp.name}", Scope(
                    region_codes=frozenset({mpp.region_id}),
                    mpp_ids=frozenset({mpp.pk}),
                    agency_id=agency.pk,
                )
            service = Service.objects.select_related("mpp").get(pk=int(self.id))
            return service.name, Scope(
                region_codes=frozenset({service.mpp.region_id}),
                mpp_ids=frozenset({service.mpp_id}),
                agency_id=service.agency_id,
            )
        except (ValueError, Region.DoesNotExist, MPP.DoesNotExist, Agency.DoesNotExist):
            raise BadUnit(_("Unit tidak ditemukan.")) from None
        except Service.DoesNotExist:
            raise BadUnit(_("Unit tidak ditemukan.")) from None


def parse_unit(text: str) -> Unit:
    """ "service:12", "agency:5", "agency:5@3" (an agency at an MPP), "mpp:3", "region:2171",
    "national" — or BadUnit with a message for the caller."""
    kind, _sep, ident = (text or "").strip().partition(":")
    if kind == UnitKind.NATIONAL:
        return Unit(UnitKind.NATIONAL)
    if kind == "agency" and "@" in ident:
        kind = UnitKind.PRESENCE
    valid = {choice.value for choice in UnitKind} - {UnitKind.NATIONAL}
    if kind not in valid or not ident or len(ident) > 30:
        raise BadUnit(
            _(
                "Tulis unit sebagai service:<id>, agency:<id>, mpp:<id>, region:<kode>, atau national."
            )
        )
    parts = ident.split("@") if kind == UnitKind.PRESENCE else [ident]
    if not all(parse_id(part) for part in parts):
        raise BadUnit(_("Nomor unit harus berupa angka."))
    return Unit(kind, ident)


# Where a transaction was served: kept on its invitation, copied onto its response, counted by
# ``units_of``.
PLACE_FIELDS = ("region_id", "mpp_id", "agency_id", "service_id")


def place_of(row) -> dict:
    """The place of an invitation or a response, as ``units_of`` and ``Response`` take it."""
    return {name: getattr(row, name) for name in PLACE_FIELDS}


def units_of(*, region_id, mpp_id, agency_id, service_id) -> list[Unit]:
    """Every unit a response (or finished transaction) counts towards, from the nation down."""
    units = [Unit(UnitKind.NATIONAL)]
    if region_id:
        units.append(Unit(UnitKind.REGION, str(region_id)))
    if mpp_id:
        units.append(Unit(UnitKind.MPP, str(mpp_id)))
    if agency_id:
        units.append(Unit(UnitKind.AGENCY, str(agency_id)))
        if mpp_id:
            units.append(Unit(UnitKind.PRESENCE, f"{agency_id}@{mpp_id}"))
    if service_id:
        units.append(Unit(UnitKind.SERVICE, str(service_id)))
    return units


# The units whose per-officer page (``selectors.officers_of``) someone may open: the roles holding
# ``VIEW_OFFICER_SKM`` (agency admin, MPP manager) are granted on an agency or an MPP, so a unit's
# scope must name one; the nation and a kab/kota never do, and get no per-officer sums.
OFFICER_UNIT_KINDS = frozenset({UnitKind.MPP, UnitKind.AGENCY, UnitKind.PRESENCE, UnitKind.SERVICE})


def officer_units_of(**place) -> list[Unit]:
    """The units of :func:`units_of` that keep per-officer sums (``OfficerDaySum``)."""
    return [unit for unit in units_of(**place) if unit.kind in OFFICER_UNIT_KINDS]
