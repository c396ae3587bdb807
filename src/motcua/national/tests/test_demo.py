"""The demo: its dossiers at the portal simulator, all acknowledged but the newest, stuck on a timeout."""
import io

import pytest
from django.core.management import call_command

from motcua.demo.history import PREFIX
from motcua.dossiers.models import Dossier
from motcua.national import selectors, services
from motcua.national.models import ErrorKind, OutboxItem, SimulatedReceipt


@pytest.mark.django_db
def test_the_demo_dossiers_are_at_the_simulator_and_one_is_stuck(settings):
    settings.NATIONAL_TRANSPORT = ""  # the default: the simulator where simulators may run
    out = io.StringIO()
    call_command("load_demo", "--demo", stdout=out)
    assert "national portal dossiers stuck: 1" in out.getvalue()
    [stuck] = selectors.stuck()
    assert (stuck["error_kind"], stuck["attempts"]) == (ErrorKind.TIMEOUT, 1)
    # The past year's dossiers came from the old system (legacy import): the portal has them already.
    history = Dossier.objects.filter(code__startswith=PREFIX)
    assert history.exists() and not OutboxItem.objects.filter(dossier__in=history).exists()
    others = Dossier.objects.exclude(pk=stuck["dossier_id"]).exclude(code__startswith=PREFIX)
    assert others.count() > 50
    assert not OutboxItem.objects.filter(dossier__in=others, acknowledged_at__isnull=True).exists()
    assert SimulatedReceipt.objects.filter(kind="record").count() == others.count()
    assert SimulatedReceipt.objects.filter(kind="progress").count() == OutboxItem.objects.filter(
        acknowledged_at__isnull=False).count()
    # Loading again sends nothing more; resending the stuck one clears it.
    call_command("load_demo", "--demo", stdout=io.StringIO())
    assert len(selectors.stuck()) == 1
    services.resend(code=stuck["code"])
    services.sync_due()
    assert selectors.stuck() == [] and not OutboxItem.objects.filter(acknowledged_at__isnull=True).exists()
