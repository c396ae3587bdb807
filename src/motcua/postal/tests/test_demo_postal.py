import pytest
from django.core.management import call_command

from motcua.postal.models import Manifest, Shipment, ShipmentStatus


@pytest.mark.django_db(transaction=True)  # as `load_demo` runs: each order sent when it is made
def test_the_demo_shows_shipments_in_every_status(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_demo", "--demo", stdout=open("/dev/null", "w"))
    statuses = set(Shipment.objects.values_list("status", flat=True))
    assert set(ShipmentStatus.values) <= statuses
    assert Manifest.objects.filter(state=Manifest.State.HANDED_OVER).exists()
    pending = Shipment.objects.get(partner_state="queued")
    assert pending.partner_tries == 1 and "unavailable" in pending.partner_error
    count = Shipment.objects.count()
    call_command("load_demo", "--demo", stdout=open("/dev/null", "w"))  # a second run adds nothing
    assert Shipment.objects.count() == count
