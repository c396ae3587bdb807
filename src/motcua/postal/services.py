"""Every change of the postal service: one function per change, each atomic, the rows it changes
locked, and each writing its `ShipmentEvent` (who, when, what, from which source).

Choices: `choose_delivery`, `choose_pickup` (portal or counter).
Orders: `create_shipment` (takes a waybill from the pool), `send_order` (to the partner; queued and
retried while the partner is down), `cancel_shipment`, `poll_shipment` (tracking; also repairs an
order the partner took but whose answer was never saved).
Status: `apply_status` (the one place a status changes), `record_delivery`, `record_failed_attempt`.
Manifests: `open_manifest`, `scan_out`, `hand_over_manifest`, `scan_in`, `close_manifest`.
Dossier hooks: `on_dossier_event` (the delivery order when a result going by post is returned, or
resolved when status 10 waits for the delivery).
"""
from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier, ReturnChannel, Status
from motcua.organization.models import AdministrativeUnit
from motcua.organization.permissions import has_permission

from . import conf
from .errors import PostalError
from .models import (FINAL_STATUSES, LEG_SUFFIX, TRANSFER_LEGS, Leg, Manifest, ManifestItem, PartnerState,
                     PostalChoice, Shipment, ShipmentEvent, ShipmentStatus, Waybill)
from .partners import OrderRequest, PartnerRefused, PartnerUnavailable, get_partner

logger = logging.getLogger(__name__)
S = ShipmentStatus
ACTIVE = ~Q(status__in=FINAL_STATUSES)
# The order of the statuses on the way: a tracking entry never moves a shipment backwards.
RANK = {S.CREATED: 0, S.PICKED_UP: 1, S.IN_TRANSIT: 2, S.FAILED_ATTEMPT: 3, S.DELIVERED: 4, S.RETURNED: 4,
        S.CANCELLED: 4}
POSTAL_SYSTEM = "postal"


class System:
    """The postal app acting by itself (the signal of a returned dossier, the tracking poll)."""

    pk = None
    is_authenticated = False
    is_superuser = False


SYSTEM = System()


# --- who may ---------------------------------------------------------------------------------------


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def is_officer_for(actor, dossier) -> bool:
    if getattr(actor, "is_superuser", False):
        return True
    if not getattr(actor, "is_authenticated", False):
        return False
    return any(has_permission(actor, "dossier.receive", agency)
               for agency in (dossier.receiving_agency, dossier.competent_agency))


def is_postal_worker(actor) -> bool:
    return bool(getattr(actor, "is_superuser", False)) or (
        getattr(actor, "is_authenticated", False) and has_permission(actor, "postal.work"))


def _require_officer(actor, dossier):
    if actor is SYSTEM or is_officer_for(actor, dossier):
        return
    raise PostalError("forbidden", _("You do not serve the agency of this dossier."))


def _require_worker(actor):
    if not is_postal_worker(actor):
        raise PostalError("forbidden", _("Only a postal worker records deliveries."))


def _event(dossier_id, shipment, kind, actor, at, source, status="", **payload):
    return ShipmentEvent.objects.create(dossier_id=dossier_id, shipment=shipment, kind=kind, status=status or "",
                                        at=at, actor=_user(actor), source=source, payload=payload)


def _source(actor) -> str:
    if actor is SYSTEM:
        return "system"
    if is_postal_worker(actor) and not getattr(actor, "is_superuser", False):
        return "postal_worker"
    return "officer"


# --- addresses -------------------------------------------------------------------------------------


def delivery_units(on: datetime.date | None = None):
    """The communes and wards in force on the day (after the 2025 mergers): units valid that day,
    not merged into another, with no unit under them."""
    on = on or timezone.localdate()
    units = AdministrativeUnit.objects.valid_on(on).filter(successor__isnull=True)
    with_children = AdministrativeUnit.objects.valid_on(on).filter(parent__isnull=False).values("parent_id")
    return units.exclude(pk__in=with_children).exclude(parent__isnull=True).select_related("parent")


def clean_address(*, unit, street: str, receiver_name: str, receiver_phone: str) -> dict:
    unit_id = getattr(unit, "pk", unit)
    found = delivery_units().filter(pk=unit_id).first() if str(unit_id or "").isdigit() else None
    if found is None:
        raise PostalError("invalid", _("Choose a commune or ward in force: the address is not in the list of "
                                       "administrative units after the 2025 mergers."))
    street = (street or "").strip()
    name = (receiver_name or "").strip()
    phone = "".join(ch for ch in (receiver_phone or "") if ch.isdigit())
    if not street:
        raise PostalError("invalid", _("Give the house number and street."))
    if not name:
        raise PostalError("invalid", _("Give the name of the person receiving."))
    if not (9 <= len(phone) <= 11):
        raise PostalError("invalid", _("Give a phone number of 10 digits for the postal worker."))
    return {"unit": found, "street": street[:300], "receiver_name": name[:200], "receiver_phone": phone}


def match_unit(text: str):
    """The unit in force named in a free-text address (the dossier's delivery address), or None."""
    text = (text or "").lower()
    best = None
    for unit in delivery_units():
        if unit.name.lower() in text and (best is None or len(unit.name) > len(best.name)):
            best = unit
    return best


# --- choices ---------------------------------------------------------------------------------------


def _lock_dossier(dossier) -> Dossier:
    return Dossier.objects.select_for_update(of=("self",)).select_related("receiving_agency", "competent_agency").get(
        pk=getattr(dossier, "pk", dossier))


def _may_choose(actor, dossier) -> str:
    if getattr(actor, "pk", None) and dossier.account_id == actor.pk:
        return PostalChoice.Via.PORTAL
    _require_officer(actor, dossier)
    return PostalChoice.Via.COUNTER


def _store_choice(actor, dossier, leg, address, now) -> PostalChoice:
    via = _may_choose(actor, dossier)
    choice, _created = PostalChoice.objects.update_or_create(
        dossier=dossier, leg=leg,
        defaults={**address, "via": via, "chosen_at": now, "chosen_by": _user(actor)},
    )
    _event(dossier.pk, None, f"choose_{leg}", actor, now, via, unit=address["unit"].code,
           receiver=address["receiver_name"])
    return choice


@transaction.atomic
def choose_delivery(actor, dossier, *, unit, street, receiver_name, receiver_phone, at=None) -> PostalChoice:
    """The result goes home to this address. Refused once the result has left or the dossier ended
    without one; if the result is already back at the centre, the delivery order is made now."""
    now = at or timezone.now()
    row = _lock_dossier(dossier)
    address = clean_address(unit=unit, street=street, receiver_name=receiver_name, receiver_phone=receiver_phone)
    if row.status in (Status.NOT_RECEIVED, Status.WITHDRAWN, Status.STOPPED):
        raise PostalError("not_allowed", _("This dossier has ended without a result to deliver."))
    if Shipment.objects.filter(ACTIVE, dossier=row, leg=Leg.DELIVERY).exists():
        raise PostalError("not_allowed", _("The result is already with the post; it cannot be redirected."))
    choice = _store_choice(actor, row, Leg.DELIVERY, address, now)
    if row.status == Status.RETURNED or (row.status == Status.RESOLVED and conf.returned_at() == conf.DELIVERY):
        create_shipment(SYSTEM if choice.via == PostalChoice.Via.PORTAL else actor, row, Leg.DELIVERY, at=now)
    return choice


@transaction.atomic
def choose_pickup(actor, dossier, *, unit, street, receiver_name, receiver_phone, at=None) -> Shipment:
    """The post picks the paper dossier up at this address: the order is made at once."""
    now = at or timezone.now()
    row = _lock_dossier(dossier)
    address = clean_address(unit=unit, street=street, receiver_name=receiver_name, receiver_phone=receiver_phone)
    if row.status not in (Status.NEW, Status.RECEIVED, Status.PROCESSING, Status.WAITING_SUPPLEMENT):
        raise PostalError("not_allowed", _("A pick-up is only for a dossier being submitted or handled."))
    choice = _store_choice(actor, row, Leg.PICKUP, address, now)
    return create_shipment(SYSTEM if choice.via == PostalChoice.Via.PORTAL else actor, row, Leg.PICKUP, at=now)


# --- orders ----------------------------------------------------------------------------------------


def take_waybill(partner: str, now) -> str:
    """The next unused number of the partner's pre-issued pools (locked; a concurrent order skips it)."""
    waybill = (Waybill.objects.select_for_update(skip_locked=True, of=("self",))
               .filter(pool__partner=partner, shipment__isnull=True).order_by("pk").first())
    if waybill is None:
        raise PostalError("pool_empty", _("The waybill pool is empty: ask the post for new waybill numbers and "
                                          "add them in the administration before making postal orders."))
    return waybill


def _order_number(dossier, leg) -> str:
    base = f"{dossier.code}-{LEG_SUFFIX[leg]}"
    taken = Shipment.objects.filter(dossier=dossier, leg=leg).count()
    return base if taken == 0 else f"{base}-{taken + 1}"


@transaction.atomic
def create_shipment(actor, dossier, leg, *, at=None, agency=None, local: bool = False) -> Shipment:
    """A shipment of `leg` for the dossier, to the address chosen for it (pick-up, delivery) or
    between the centre and `agency` (transfers, `local`: carried under a manifest, no partner order)."""
    now = at or timezone.now()
    row = _lock_dossier(dossier)
    _require_officer(actor, row)
    if Shipment.objects.filter(ACTIVE, dossier=row, leg=leg).exists():
        raise PostalError("not_allowed", _("This dossier already has a shipment of this kind under way."))
    address = {}
    if leg == Leg.DELIVERY and row.status not in (Status.RESOLVED, Status.RETURNED):
        raise PostalError("no_result", _("The dossier has no result yet: a delivery order needs the result."))
    if leg in (Leg.PICKUP, Leg.DELIVERY):
        choice = PostalChoice.objects.filter(dossier=row, leg=leg).first()
        if choice is None:
            unit = match_unit(row.delivery_address if leg == Leg.DELIVERY else row.applicant_address)
            if unit is None:
                raise PostalError("invalid", _("The dossier has no address in the unit list to send to: choose "
                                               "the commune or ward first."))
            address = {"unit": unit, "street": (row.delivery_address or row.applicant_address)[:300],
                       "receiver_name": row.applicant_name, "receiver_phone": row.applicant_phone}
        else:
            address = {"unit": choice.unit, "street": choice.street, "receiver_name": choice.receiver_name,
                       "receiver_phone": choice.receiver_phone}
    partner = "" if local else conf.partner_name()
    shipment = Shipment(
        dossier=row, leg=leg, order_number=_order_number(row, leg), partner=partner,
        partner_state=PartnerState.LOCAL if local else PartnerState.QUEUED, agency=agency,
        created_at=now, created_by=_user(actor), last_status_at=now, next_try_at=None if local else now, **address,
    )
    if not local:
        waybill = take_waybill(partner, now)
        shipment.waybill = waybill.code
    shipment.save()
    if not local:
        Waybill.objects.filter(pk=waybill.pk).update(shipment=shipment, taken_at=now)
    _event(row.pk, shipment, "created", actor, now, _source(actor), S.CREATED, order_number=shipment.order_number,
           waybill=shipment.waybill, leg=leg)
    if not local:
        transaction.on_commit(lambda pk=shipment.pk: _enqueue_send(pk))
    return shipment


# The Celery task's `delay`, set by PostalConfig.ready (tasks import services, never the reverse);
# without it the order is sent inline.
enqueue_send = None


def _enqueue_send(pk: int) -> None:
    try:
        (enqueue_send or send_order)(pk)
    except Exception:  # noqa: BLE001 - the broker is down: the 15-minute poll sends it
        logger.exception("could not enqueue the postal order %s; the poll will send it", pk)


def _sender(shipment):
    sp = shipment.dossier.service_point
    return (sp.name if sp else shipment.dossier.receiving_agency.name,
            (sp.phone if sp else shipment.dossier.receiving_agency.phone) or "",
            (sp.address if sp else shipment.dossier.receiving_agency.address) or "")


def order_request(shipment) -> OrderRequest:
    name, phone, address = _sender(shipment)
    unit_code = shipment.unit.code if shipment.unit_id else ""
    if shipment.leg == Leg.PICKUP:  # the applicant sends to the centre
        return OrderRequest(shipment.order_number, shipment.waybill, shipment.leg, shipment.receiver_name,
                            shipment.receiver_phone, shipment.full_address, name, phone, address, unit_code,
                            note=shipment.dossier.code)
    return OrderRequest(shipment.order_number, shipment.waybill, shipment.leg, name, phone, address,
                        shipment.receiver_name, shipment.receiver_phone, shipment.full_address, unit_code,
                        note=shipment.dossier.code)


def send_order(shipment_id: int, *, partner=None, at=None) -> Shipment:
    """Give a queued order to the partner. The partner down: it stays queued with the error and the
    next try; "already exists" is the same order (a retry after an answer that was lost)."""
    now = at or timezone.now()
    with transaction.atomic():
        shipment = Shipment.objects.select_for_update(of=("self",)).select_related("dossier", "unit").get(pk=shipment_id)
        if shipment.partner_state != PartnerState.QUEUED or shipment.status == S.CANCELLED:
            return shipment
        partner = partner or get_partner(shipment.partner or None)
        try:
            answer = partner.create_order(order_request(shipment))
        except (PartnerUnavailable, PartnerRefused) as error:
            shipment.partner_tries += 1
            shipment.partner_error = str(error)[:300]
            shipment.next_try_at = now + datetime.timedelta(minutes=conf.retry_minutes())
            shipment.save(update_fields=["partner_tries", "partner_error", "next_try_at"])
            _event(shipment.dossier_id, shipment, "partner_down", SYSTEM, now, "partner", error=str(error)[:300],
                   tries=shipment.partner_tries)
            return shipment
        shipment.partner_state = PartnerState.SENT
        shipment.partner_tries += 1
        shipment.partner_error = ""
        shipment.next_try_at = None
        if answer.waybill and answer.waybill != shipment.waybill:
            shipment.waybill = answer.waybill
        shipment.version += 1
        shipment.save(update_fields=["partner_state", "partner_tries", "partner_error", "next_try_at", "waybill",
                                     "version"])
        _event(shipment.dossier_id, shipment, "sent", SYSTEM, now, "partner", waybill=shipment.waybill,
               already_existed=answer.already_existed)
    return shipment


@transaction.atomic
def cancel_shipment(actor, shipment, *, reason: str = "", at=None) -> Shipment:
    now = at or timezone.now()
    row = Shipment.objects.select_for_update(of=("self",)).select_related("dossier").get(pk=shipment.pk)
    _require_officer(actor, row.dossier)
    if row.status != S.CREATED:
        raise PostalError("not_allowed", _("The post has already picked this item up: it can no longer be "
                                           "cancelled."))
    if row.partner_state == PartnerState.SENT:
        try:
            get_partner(row.partner or None).cancel_order(row.order_number)
        except PartnerRefused:
            raise PostalError("not_allowed", _("The post refused the cancellation: the item has been picked up.")) from None
        except PartnerUnavailable:
            raise PostalError("partner_down", _("The post cannot be reached now; try the cancellation again later.")) from None
    _set_status(row, S.CANCELLED, now, actor, _source(actor), reason=reason)
    return row


# --- status ---------------------------------------------------------------------------------------


def _set_status(row: Shipment, status, at, actor, source, **details) -> None:
    fields = ["status", "last_status_at", "version"]
    if status == S.PICKED_UP or (status in (S.IN_TRANSIT, S.DELIVERED) and not row.picked_up_at):
        row.picked_up_at = row.picked_up_at or at
        fields.append("picked_up_at")
    if status == S.DELIVERED:
        row.delivered_at = at
        fields.append("delivered_at")
        if details.get("receiver"):
            row.delivered_to = details["receiver"][:200]
            fields.append("delivered_to")
    if status == S.FAILED_ATTEMPT:
        row.attempts += 1
        fields.append("attempts")
    if status == S.RETURNED:
        row.returned_at = at
        fields.append("returned_at")
    if status == S.CANCELLED:
        row.cancelled_at = at
        fields.append("cancelled_at")
    row.status = status
    row.last_status_at = at
    row.version += 1
    row.save(update_fields=fields)
    _event(row.dossier_id, row, "status", actor, at, source, status, **details)
    transaction.on_commit(lambda: _after_status(row.pk, status, at))


def apply_status(shipment, status: str, *, at, actor=SYSTEM, source="partner", **details) -> bool:
    """The one way a shipment's status changes (partner tracking, the postal worker, manifests).
    Idempotent: a status not newer than the current one is ignored (a poll replays its history).
    Three failed attempts return the item to the centre. True if something changed."""
    with transaction.atomic():
        row = Shipment.objects.select_for_update().get(pk=shipment.pk)
        if row.is_final:
            return False
        if status == S.FAILED_ATTEMPT:
            seen = row.events.filter(kind="status", status=S.FAILED_ATTEMPT, at=at).exists()
            if seen:
                return False
        elif RANK[status] <= RANK[row.status] and status != S.FAILED_ATTEMPT:
            return False
        if status == S.CREATED:
            return False
        _set_status(row, status, at, actor, source, **details)
        if status == S.FAILED_ATTEMPT and row.attempts >= conf.max_attempts():
            _set_status(row, S.RETURNED, at, actor, "system", reason="max_attempts", attempts=row.attempts)
        shipment.refresh_from_db()
        return True


def _after_status(shipment_id, status, at) -> None:
    """After commit: the dossier side of a status (status 10 at delivery; the SMS when the result
    comes back to the centre). A failure is logged and retried by nothing: the officer sees it."""
    shipment = Shipment.objects.select_related("dossier").get(pk=shipment_id)
    try:
        if shipment.leg == Leg.DELIVERY and status == S.DELIVERED:
            _returned_on_delivery(shipment)
        if shipment.leg == Leg.DELIVERY and status == S.RETURNED:
            _tell_citizen_returned(shipment)
    except Exception:  # noqa: BLE001
        logger.exception("after-status work of shipment %s (%s) failed", shipment_id, status)


def _returned_on_delivery(shipment) -> None:
    """POSTAL_RETURNED_AT=delivery: the result counts as returned when delivered, on that date."""
    from motcua.dossiers import services as dossier_services

    dossier = shipment.dossier
    if conf.returned_at() != conf.DELIVERY or dossier.status != Status.RESOLVED:
        return
    dossier_services.return_result(dossier_services.SystemActor(POSTAL_SYSTEM), dossier, at=shipment.delivered_at,
                                   note=_("Delivered by post (waybill %(waybill)s) to %(name)s") % {
                                       "waybill": shipment.waybill, "name": shipment.delivered_to or "-"})


def _tell_citizen_returned(shipment) -> None:
    from motcua.notifications.services import queue_message
    from motcua.notifications.tasks import send

    dossier = shipment.dossier
    phone = shipment.receiver_phone or dossier.applicant_phone
    if not phone:
        return
    with transaction.atomic():
        message, created = queue_message(
            kind="postal_returned", channel="sms", recipient=phone, dossier_code=dossier.code,
            agency_id=dossier.receiving_agency_id,
            context={"code": dossier.code, "waybill": shipment.waybill, "attempts": shipment.attempts,
                     "applicant_name": dossier.applicant_name},
        )
        if created:
            transaction.on_commit(lambda: send(message.pk))  # a broker outage: queued for the sweep


@transaction.atomic
def record_delivery(worker, shipment, *, receiver_name: str, at=None, photo=None) -> Shipment:
    _require_worker(worker)
    now = at or timezone.now()
    name = (receiver_name or "").strip()
    if not name:
        raise PostalError("invalid", _("Give the name of the person who received the item."))
    if at and at > timezone.now() + datetime.timedelta(minutes=5):
        raise PostalError("invalid", _("The delivery time cannot be in the future."))
    row = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if row.is_final:
        raise PostalError("not_allowed", _("This shipment is already closed (%(status)s).") % {
            "status": row.get_status_display()})
    if row.leg in TRANSFER_LEGS:
        raise PostalError("not_allowed", _("A transfer is received by scanning its manifest."))
    if photo is not None:
        if getattr(photo, "size", 0) > 5 * 1024 * 1024:
            raise PostalError("invalid", _("The photo is larger than 5 MB."))
        if not (getattr(photo, "content_type", "") or "").startswith("image/"):
            raise PostalError("invalid", _("The photo must be an image (JPEG or PNG)."))
        row.proof_photo.save(f"{row.order_number}.jpg", photo, save=False)
        row.save(update_fields=["proof_photo"])
    apply_status(row, S.DELIVERED, at=now, actor=worker, source="postal_worker", receiver=name,
                 photo=bool(photo))
    row.refresh_from_db()
    return row


@transaction.atomic
def record_failed_attempt(worker, shipment, *, reason: str, at=None) -> Shipment:
    _require_worker(worker)
    now = at or timezone.now()
    row = Shipment.objects.select_for_update().get(pk=shipment.pk)
    if row.is_final:
        raise PostalError("not_allowed", _("This shipment is already closed (%(status)s).") % {
            "status": row.get_status_display()})
    if row.leg != Leg.DELIVERY and row.leg != Leg.PICKUP:
        raise PostalError("not_allowed", _("A transfer is received by scanning its manifest."))
    if not (reason or "").strip():
        raise PostalError("invalid", _("Say why the item could not be delivered."))
    apply_status(row, S.FAILED_ATTEMPT, at=now, actor=worker, source="postal_worker", reason=reason.strip()[:300])
    row.refresh_from_db()
    return row


def poll_shipment(shipment, *, partner=None, at=None) -> Shipment:
    """One tracking poll: a queued order is sent again (an order the partner took while our answer
    was lost is recognised as "already exists": no duplicate); a sent one takes the partner's
    new statuses."""
    shipment = Shipment.objects.get(pk=shipment.pk)
    if shipment.partner_state == PartnerState.QUEUED:
        shipment = send_order(shipment.pk, partner=partner, at=at)
    if shipment.partner_state != PartnerState.SENT or shipment.is_final:
        return shipment
    partner = partner or get_partner(shipment.partner or None)
    try:
        entries = partner.track(shipment.order_number)
    except (PartnerUnavailable, PartnerRefused) as error:
        logger.warning("tracking %s failed: %s", shipment.order_number, error)
        return shipment
    for entry in entries:
        if entry.status in S.values:
            apply_status(shipment, entry.status, at=entry.at, source="partner", code=entry.code, note=entry.note)
    return Shipment.objects.get(pk=shipment.pk)


def poll_due(now=None, limit: int = 500) -> int:
    """Every open shipment with the partner (the beat's 15-minute job); queued ones when their try is due."""
    now = now or timezone.now()
    due = (Shipment.objects.exclude(partner_state=PartnerState.LOCAL).filter(ACTIVE)
           .filter(Q(partner_state=PartnerState.SENT) | Q(next_try_at__isnull=True) | Q(next_try_at__lte=now))
           .order_by("last_status_at")[:limit])
    count = 0
    for shipment in due:
        try:
            poll_shipment(shipment, at=now)
            count += 1
        except Exception:  # noqa: BLE001 - one bad order never stops the others
            logger.exception("polling shipment %s failed", shipment.pk)
    return count


# --- manifests -------------------------------------------------------------------------------------


def _manifest_code(service_point, now) -> str:
    day = timezone.localdate(now)
    count = Manifest.objects.filter(created_at__date=day, service_point=service_point).count()
    return f"BK-{service_point.code.upper()[:12]}-{day:%y%m%d}-{count + 1:02d}"


@transaction.atomic
def open_manifest(actor, *, service_point, agency, direction=Manifest.Direction.OUT, at=None) -> Manifest:
    now = at or timezone.now()
    if not (actor is SYSTEM or getattr(actor, "is_superuser", False) or has_permission(actor, "dossier.receive", agency)
            or has_permission(actor, "dossier.receive")):
        raise PostalError("forbidden", _("Only a counter officer makes a manifest."))
    manifest = Manifest.objects.create(code=_manifest_code(service_point, now), direction=direction,
                                       service_point=service_point, agency=agency, created_at=now,
                                       created_by=_user(actor))
    return manifest


def _dossier_by_scan(code: str) -> Dossier:
    code = (code or "").strip()
    dossier = Dossier.objects.filter(code=code).first() if code else None
    if dossier is None:
        raise PostalError("unknown_scan", _("Unknown code %(code)s: no dossier has this code.") % {"code": code or "-"})
    return dossier


@transaction.atomic
def scan_out(actor, manifest, code: str, *, at=None) -> ManifestItem:
    """A dossier put on the manifest at hand-over (the barcode of its code)."""
    now = at or timezone.now()
    manifest = Manifest.objects.select_for_update().get(pk=manifest.pk)
    if manifest.state != Manifest.State.OPEN:
        raise PostalError("not_allowed", _("This manifest has been handed over; open a new one."))
    dossier = _dossier_by_scan(code)
    if manifest.items.filter(dossier=dossier).exists():
        raise PostalError("duplicate_scan", _("%(code)s is already on this manifest.") % {"code": dossier.code})
    if manifest.direction == Manifest.Direction.OUT and dossier.competent_agency_id != manifest.agency_id:
        raise PostalError("invalid", _("%(code)s belongs to another agency, not to %(agency)s.") % {
            "code": dossier.code, "agency": manifest.agency.name})
    shipment = create_shipment(actor, dossier, manifest.leg, at=now, agency=manifest.agency, local=True)
    item = ManifestItem.objects.create(manifest=manifest, dossier=dossier, shipment=shipment, scanned_out_at=now)
    _event(dossier.pk, shipment, "manifest_scan_out", actor, now, _source(actor), manifest=manifest.code)
    return item


@transaction.atomic
def hand_over_manifest(actor, manifest, *, at=None) -> Manifest:
    now = at or timezone.now()
    manifest = Manifest.objects.select_for_update().get(pk=manifest.pk)
    if manifest.state != Manifest.State.OPEN:
        raise PostalError("not_allowed", _("This manifest has already been handed over."))
    items = list(manifest.items.select_related("shipment"))
    if not items:
        raise PostalError("invalid", _("Scan at least one dossier before handing the manifest over."))
    for item in items:
        apply_status(item.shipment, S.PICKED_UP, at=now, actor=actor, source=_source(actor), manifest=manifest.code)
    manifest.state = Manifest.State.HANDED_OVER
    manifest.handed_over_at = now
    manifest.save(update_fields=["state", "handed_over_at"])
    return manifest


@transaction.atomic
def scan_in(actor, manifest, code: str, *, at=None) -> ManifestItem:
    """A dossier scanned at receipt: ticked on the manifest, or kept as an extra item (not listed)."""
    now = at or timezone.now()
    manifest = Manifest.objects.select_for_update().get(pk=manifest.pk)
    if manifest.state != Manifest.State.HANDED_OVER:
        raise PostalError("not_allowed", _("Only a manifest handed to the postal worker and not yet closed is "
                                           "received."))
    dossier = _dossier_by_scan(code)
    item = manifest.items.select_for_update().filter(dossier=dossier).first()
    if item is not None and item.scanned_in_at:
        raise PostalError("duplicate_scan", _("%(code)s has already been scanned at receipt.") % {"code": dossier.code})
    if item is None:
        item = ManifestItem.objects.create(manifest=manifest, dossier=dossier, listed=False, scanned_in_at=now)
        _event(dossier.pk, None, "manifest_extra", actor, now, _source(actor), manifest=manifest.code)
        return item
    item.scanned_in_at = now
    item.save(update_fields=["scanned_in_at"])
    apply_status(item.shipment, S.DELIVERED, at=now, actor=actor, source=_source(actor), manifest=manifest.code,
                 receiver=getattr(actor, "get_username", lambda: "")())
    return item


@transaction.atomic
def close_manifest(actor, manifest, *, at=None) -> Manifest:
    now = at or timezone.now()
    manifest = Manifest.objects.select_for_update().get(pk=manifest.pk)
    if manifest.state != Manifest.State.HANDED_OVER:
        raise PostalError("not_allowed", _("Only a manifest handed to the postal worker and not yet closed is "
                                           "received."))
    manifest.state = Manifest.State.RECEIVED
    manifest.received_at = now
    manifest.received_by = _user(actor)
    manifest.save(update_fields=["state", "received_at", "received_by"])
    missing = manifest.items.filter(listed=True, scanned_in_at__isnull=True)
    for item in missing.select_related("shipment"):
        _event(item.dossier_id, item.shipment, "manifest_missing", actor, now, _source(actor), manifest=manifest.code)
    return manifest


# --- the dossier's events ---------------------------------------------------------------------------


def wants_delivery(dossier) -> bool:
    return dossier.return_channel == ReturnChannel.POST or PostalChoice.objects.filter(
        dossier=dossier, leg=Leg.DELIVERY).exists()


def on_dossier_event(event) -> Shipment | None:
    """A result going by post gets its delivery order when it is returned (status 10 at hand-over),
    or when resolved if status 10 waits for the delivery (POSTAL_RETURNED_AT=delivery)."""
    trigger = "resolve" if conf.returned_at() == conf.DELIVERY else "return_result"
    if event.kind != trigger:
        return None
    dossier = Dossier.objects.get(pk=event.dossier_id)
    if not wants_delivery(dossier) or Shipment.objects.filter(ACTIVE, dossier=dossier, leg=Leg.DELIVERY).exists():
        return None
    try:
        return create_shipment(SYSTEM, dossier, Leg.DELIVERY, at=event.at)
    except PostalError as refusal:
        # No address in the unit list, or no waybill: the officer sees the dossier among those
        # waiting for a delivery order (selectors.awaiting_delivery_order) with the reason.
        _event(dossier.pk, None, "delivery_order_refused", SYSTEM, event.at, "system", code=refusal.code,
               reason=str(refusal.message))
        return None
