from django.core.management import call_command

from motcua.postal.models import Manifest, Shipment, ShipmentStatus


def test_the_demo_shows_shipments_in_every_status(db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command("load_demo", "--demo", stdout=open("/dev/null", "w"))
    statuses = set(Shipment.objects.values_list("status", flat=True))
    assert set(ShipmentStatus.values) <= statuses
    assert Manifest.objects.filter(state=Manifest.State.HANDED_OVER).exists()
    call_command("load_demo", "--demo", stdout=open("/dev/null", "w"))  # a second run adds nothing
    assert Shipment.objects.count() == len(list(Shipment.objects.all()))
