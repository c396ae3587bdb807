"""The postal service driven through its services with the simulator on a clock the tests move."""
import datetime

import pytest
import time_machine

from motcua.dossiers import services as dossier_services
from motcua.dossiers.models import Status
from motcua.notifications.models import OutboxMessage
from motcua.postal import services
from motcua.postal.errors import PostalError
from motcua.postal.models import Leg, PartnerState, Shipment, ShipmentEvent, SimulatedOrder, Waybill
from motcua.postal.partners import OrderAnswer, PartnerUnavailable
from motcua.postal.partners.simulator import SimulatorPartner
from motcua.testing.world import MONDAY

from .conftest import ADDRESS, birth_dossier, resolved

H = datetime.timedelta(hours=1)


def test_from_pick_up_at_home_to_delivery_of_the_result(world, postal, django_capture_on_commit_callbacks):
    with time_machine.travel(MONDAY, tick=False) as clock:
        dossier = birth_dossier(world)
        with django_capture_on_commit_callbacks(execute=True):
            pickup = services.choose_pickup(world["justice_counter"], dossier, unit=postal["ward"].pk, **ADDRESS)
        pickup.refresh_from_db()
        assert pickup.order_number == f"{dossier.code}-NHAN"
        assert pickup.waybill == "EL000000001VN" and pickup.partner_state == PartnerState.SENT
        assert Waybill.objects.get(code="EL000000001VN").shipment_id == pickup.pk

        clock.shift(3 * H)
        assert services.poll_shipment(pickup).status == "picked_up"
        clock.shift(22 * H)
        pickup = services.poll_shipment(pickup)
        assert pickup.status == "delivered" and pickup.picked_up_at == MONDAY + 2 * H
        assert pickup.delivered_at == MONDAY + 24 * H

        dossier = dossier_services.resolve(world["justice_leader"], dossier, result_description="Giấy khai sinh")
        with django_capture_on_commit_callbacks(execute=True):
            services.choose_delivery(world["justice_counter"], dossier, unit=postal["ward"].pk, **ADDRESS)
        with django_capture_on_commit_callbacks(execute=True):
            dossier_services.return_result(world["justice_counter"], dossier)
        delivery = Shipment.objects.get(dossier=dossier, leg=Leg.DELIVERY)
        assert delivery.partner_state == PartnerState.SENT and delivery.order_number.endswith("-TRA")
        start = delivery.created_at
        clock.shift(5 * H)
        assert services.poll_shipment(delivery).status == "in_transit"
        clock.shift(20 * H)
        delivery = services.poll_shipment(delivery)
        assert delivery.status == "delivered" and delivery.delivered_at == start + 24 * H
        # Every change is an event; a second poll adds none.
        count = ShipmentEvent.objects.filter(shipment=delivery).count()
        services.poll_shipment(delivery)
        assert ShipmentEvent.objects.filter(shipment=delivery).count() == count
        assert [e.status for e in delivery.events.filter(kind="status")] == ["picked_up", "in_transit", "delivered"]
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED


def test_status_10_at_delivery_keeps_the_delivery_date(world, postal, settings, django_capture_on_commit_callbacks):
    settings.POSTAL_RETURNED_AT = "delivery"
    with time_machine.travel(MONDAY, tick=False) as clock:
        dossier = birth_dossier(world)
        services.choose_delivery(world["justice_counter"], dossier, unit=postal["ward"].pk, **ADDRESS)
        with django_capture_on_commit_callbacks(execute=True):
            dossier = dossier_services.resolve(world["justice_leader"], dossier, result_description="Giấy khai sinh")
        delivery = Shipment.objects.get(dossier=dossier, leg=Leg.DELIVERY)
        assert dossier.status == Status.RESOLVED
        clock.shift(25 * H)
        with django_capture_on_commit_callbacks(execute=True):
            delivery = services.poll_shipment(delivery)
    dossier.refresh_from_db()
    assert dossier.status == Status.RETURNED and dossier.returned_at == delivery.delivered_at


def test_partner_down_queues_and_the_poll_sends_once(world, postal, settings, django_capture_on_commit_callbacks):
    dossier = resolved(world)
    settings.POSTAL_SIMULATOR_MODE = "unavailable"
    with django_capture_on_commit_callbacks(execute=True):
        services.choose_delivery(world["justice_counter"], dossier, unit=postal["ward"].pk, **ADDRESS)
        dossier_services.return_result(world["justice_counter"], dossier)
    shipment = Shipment.objects.get(dossier=dossier, leg=Leg.DELIVERY)
    assert shipment.partner_state == PartnerState.QUEUED and shipment.partner_tries == 1
    assert "unavailable" in shipment.partner_error
    assert SimulatedOrder.objects.count() == 0
    settings.POSTAL_SIMULATOR_MODE = "normal"
    assert services.poll_due(now=shipment.next_try_at) == 1
    shipment.refresh_from_db()
    assert shipment.partner_state == PartnerState.SENT and shipment.partner_tries == 2
    services.poll_due(now=shipment.created_at + 3 * H)
    assert SimulatedOrder.objects.filter(order_number=shipment.order_number).count() == 1


class RemotePartner:
    """A partner whose book is outside our database (as the post's is): it survives our rollback."""

    name = "remote"

    def __init__(self):
        self.book = {}

    def create_order(self, order):
        existed = order.order_number in self.book
        self.book.setdefault(order.order_number, order)
        return OrderAnswer(order.order_number, order.waybill, already_existed=existed)

    def track(self, order_number):
        return []


def test_a_crash_after_the_partner_answered_is_repaired_by_the_next_poll(world, postal, monkeypatch):
    dossier = resolved(world)
    services.choose_delivery(world["justice_counter"], dossier, unit=postal["ward"].pk, **ADDRESS)
    shipment = services.create_shipment(world["justice_counter"], dossier, Leg.DELIVERY)  # on-commit not run
    partner = RemotePartner()

    class Crash(Exception):
        pass

    original = Shipment.save

    def crash_after_answer(self, *args, **kwargs):
        if "partner_state" in (kwargs.get("update_fields") or ()):
            raise Crash
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Shipment, "save", crash_after_answer)
    with pytest.raises(Crash):
        services.send_order(shipment.pk, partner=partner)
    monkeypatch.setattr(Shipment, "save", original)
    shipment.refresh_from_db()
    assert shipment.partner_state == PartnerState.QUEUED and len(partner.book) == 1

    shipment = services.poll_shipment(shipment, partner=partner)
    assert shipment.partner_state == PartnerState.SENT
    assert shipment.events.filter(kind="sent").get().payload["already_existed"] is True
    assert list(partner.book) == [shipment.order_number]


def test_three_failed_attempts_return_the_result_and_tell_the_citizen(world, postal,
                                                                     django_capture_on_commit_callbacks):
    dossier = resolved(world)
    services.choose_delivery(world["justice_counter"], dossier, unit=postal["ward"].pk, **ADDRESS)
    with django_capture_on_commit_callbacks(execute=True):
        dossier_services.return_result(world["justice_counter"], dossier)
    shipment = Shipment.objects.get(dossier=dossier, leg=Leg.DELIVERY)
    worker = postal["worker"]
    for n in (1, 2):
        shipment = services.record_failed_attempt(worker, shipment, reason="Không có người nhận")
        assert shipment.status == "failed_attempt" and shipment.attempts == n
    with django_capture_on_commit_callbacks(execute=True):
        shipment = services.record_failed_attempt(worker, shipment, reason="Không có người nhận")
    assert shipment.status == "returned" and shipment.attempts == 3 and shipment.returned_at
    sms = OutboxMessage.objects.get(event_kind="postal_returned")
    assert sms.recipient == "0912345678" and dossier.code in sms.body and "3 lần" in sms.body
    with pytest.raises(PostalError) as refused:
        services.record_delivery(worker, shipment, receiver_name="Ai đó")
    assert refused.value.code == "not_allowed"


def test_worker_records_a_delivery_with_receiver_and_photo(world, postal):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dossier = resolved(world)
    services.choose_delivery(world["justice_counter"], dossier, unit=postal["ward"].pk, **ADDRESS)
    shipment = services.create_shipment(world["justice_counter"], dossier, Leg.DELIVERY)
    with pytest.raises(PostalError) as refused:
        services.record_delivery(world["justice_counter"], shipment, receiver_name="X")
    assert refused.value.code == "forbidden"
    photo = SimpleUploadedFile("p.jpg", b"\xff\xd8\xff\xe0 fake jpeg", content_type="image/jpeg")
    at = MONDAY + 30 * H
    shipment = services.record_delivery(postal["worker"], shipment, receiver_name="Nguyễn Văn Nhận", at=at,
                                        photo=photo)
    assert shipment.status == "delivered" and shipment.delivered_to == "Nguyễn Văn Nhận"
    assert shipment.delivered_at == at and shipment.proof_photo.name.endswith(".jpg")
    event = shipment.events.get(status="delivered")
    assert event.actor == postal["worker"] and event.source == "postal_worker"


def test_refusals(world, postal, settings):
    dossier = birth_dossier(world)
    with pytest.raises(PostalError) as refused:
        services.create_shipment(world["justice_counter"], dossier, Leg.DELIVERY)
    assert refused.value.code == "no_result"
    with pytest.raises(PostalError) as refused:
        services.choose_delivery(world["justice_counter"], dossier, unit=postal["merged"].pk, **ADDRESS)
    assert refused.value.code == "invalid" and "2025" in str(refused.value.message)
    with pytest.raises(PostalError):
        services.choose_delivery(world["justice_counter"], dossier, unit=999999, **ADDRESS)
    with pytest.raises(PostalError) as refused:
        services.choose_delivery(world["counter"], dossier, unit=postal["ward"].pk, **ADDRESS)
    assert refused.value.code == "forbidden"

    pickup = services.choose_pickup(world["justice_counter"], dossier, unit=postal["new"].pk, **ADDRESS)
    services.apply_status(pickup, "picked_up", at=MONDAY + H)
    with pytest.raises(PostalError) as refused:
        services.cancel_shipment(world["justice_counter"], pickup)
    assert refused.value.code == "not_allowed" and refused.value.http_status == 409

    Waybill.objects.filter(shipment__isnull=True).delete()
    done = resolved(world)
    services.choose_delivery(world["justice_counter"], done, unit=postal["ward"].pk, **ADDRESS)
    with pytest.raises(PostalError) as refused:
        services.create_shipment(world["justice_counter"], done, Leg.DELIVERY)
    assert refused.value.code == "pool_empty" and "vận đơn" in str(refused.value.message).lower() or \
        "waybill" in str(refused.value.message).lower()
    assert not Shipment.objects.filter(dossier=done).exists()


def test_cancel_before_pick_up(world, postal, django_capture_on_commit_callbacks):
    with time_machine.travel(MONDAY, tick=False):
        dossier = birth_dossier(world)
        with django_capture_on_commit_callbacks(execute=True):
            pickup = services.choose_pickup(world["justice_counter"], dossier, unit=postal["ward"].pk, **ADDRESS)
        pickup = services.cancel_shipment(world["justice_counter"], pickup, reason="Công dân tự mang đến")
    assert pickup.status == "cancelled"
    assert SimulatedOrder.objects.get(order_number=pickup.order_number).cancelled_at is not None
    again = services.choose_pickup(world["justice_counter"], dossier, unit=postal["ward"].pk, **ADDRESS)
    assert again.order_number == f"{dossier.code}-NHAN-2"


def test_simulated_partner_down_raises(world, postal):
    with pytest.raises(PartnerUnavailable):
        SimulatorPartner(mode="timeout").track("X")
