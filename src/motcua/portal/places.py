"""Where an online dossier is handled and received.

A procedure may have several competent agencies (every commune committee for a commune-level
procedure): the applicant chooses the one that handles the dossier, never a silent first choice;
the form pre-selects the one of the unit they live in (their profile's address, else the
population register's permanent address for their citizen ID).

A boundary-free procedure (Decree 118/2025, `ProcedureVersion.is_boundary_free`) may be received
at any service point that receives for the procedure's agencies: the applicant also chooses that
service point; the dossier's receiving agency is the one that point receives for, its competent
agency stays the legally competent one chosen above.
"""
import logging
import re
from dataclasses import dataclass

from django.utils import timezone

from motcua.core.text import fold
from motcua.organization.models import AdministrativeUnit, Agency, ServicePoint

log = logging.getLogger(__name__)
_WORDS = re.compile(r"[^a-z0-9]+")


def competent_agencies(version, day=None) -> list[Agency]:
    """The procedure's competent agencies in force on `day` (today by default), by name."""
    day = day or timezone.localdate()
    agencies = version.competent_agencies.valid_on(day).select_related("administrative_unit").prefetch_related("names")
    return sorted(agencies, key=lambda a: (fold(a.name_on(day)), a.pk))  # "Đồi Chè" next to "Dương", not after "Xã"


@dataclass(frozen=True)
class ReceivingPoint:
    service_point: ServicePoint
    agency: Agency  # the agency whose dossiers this point receives for the procedure


def receiving_points(version, day=None) -> list[ReceivingPoint]:
    """For a boundary-free procedure: the service points in force that receive for one of its
    agencies (hosted by it, or with an active counter serving it), each with that agency."""
    day = day or timezone.localdate()
    receiving = list(version.receiving_agencies.valid_on(day).order_by("pk"))
    agencies = receiving + [a for a in competent_agencies(version, day) if a not in receiving]
    wanted = {a.pk: a for a in agencies}
    points = (ServicePoint.objects.valid_on(day).prefetch_related("counters__agencies", "names")
              .select_related("host_agency"))
    out = []
    for point in points:
        served = {a.pk for c in point.counters.all() if c.is_active for a in c.agencies.all()}
        if point.host_agency_id in wanted:
            served.add(point.host_agency_id)
        match = next((a for a in agencies if a.pk in served), None)
        if match is not None:
            out.append(ReceivingPoint(point, wanted[match.pk]))
    return sorted(out, key=lambda p: (p.service_point.kind, fold(p.service_point.name_on(day)), p.service_point.pk))


def _unit_in(address: str) -> AdministrativeUnit | None:
    """The lowest-level unit whose name appears in the address (a merged commune -> its successor)."""
    text = f" {_WORDS.sub(' ', fold(address)).strip()} "
    if not text.strip():
        return None
    best = None
    for unit in AdministrativeUnit.objects.select_related("level"):
        name = _WORDS.sub(" ", fold(unit.name)).strip()
        if name and f" {name} " in text:
            key = (unit.level.rank, len(name))
            if best is None or key > best[0]:
                best = (key, unit)
    return best[1].current() if best else None


def residence_unit(user) -> AdministrativeUnit | None:
    """The unit the person lives in: from the account's address, else from the population
    register by the account's citizen ID (None when neither says, or the register is down)."""
    profile = getattr(user, "citizen_account", None)
    if profile is None:
        return None
    unit = _unit_in(profile.address)
    if unit is not None or not profile.citizen_id:
        return unit
    from motcua.integrations.population import LookupRefused, RegisterUnavailable
    from motcua.integrations.population.lookups import lookup

    try:
        record = lookup(user, profile.citizen_id)  # the person's own ID: throttled and audited
    except (RegisterUnavailable, LookupRefused):
        log.info("population register unavailable or lookup refused; no residence default")
        return None
    return _unit_in(record.permanent_address) if record is not None else None


def agency_of_unit(agencies, unit) -> Agency | None:
    """The agency of `agencies` that sits in `unit` (or in the unit it was merged into)."""
    if unit is None:
        return None
    for agency in agencies:
        if agency.administrative_unit_id == unit.pk:
            return agency
    return None


def point_for(points: list[ReceivingPoint], agency, unit=None) -> ReceivingPoint | None:
    """The receiving point to pre-select: the one of the chosen agency, else of the residence."""
    for point in points:
        if agency is not None and (point.agency.pk == agency.pk or point.service_point.host_agency_id == agency.pk):
            return point
    for point in points:
        if unit is not None and point.service_point.administrative_unit_id == unit.pk:
            return point
    return None


def unit_of_address(address: str) -> AdministrativeUnit | None:
    """The unit an address names (its lowest level; a merged commune -> its successor), e.g. the
    applicant's address typed at the counter; None when it names none."""
    return _unit_in(address or "")
