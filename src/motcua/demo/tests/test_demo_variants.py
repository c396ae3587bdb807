"""The demo loaded its own way: without accounts (production settings), on a day of Tết; and the
translations it carries. Apart from test_demo.py, whose tests share one load of the demo."""
import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from motcua.demo import province as demo
from motcua.organization.models import Agency

pytestmark = pytest.mark.django_db


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def test_no_demo_accounts_without_debug_or_flag(settings):
    settings.DEBUG = False
    output = run("load_demo")
    assert get_user_model().objects.count() == 0
    assert Agency.objects.count() == len(demo.AGENCIES)
    assert "--demo" in output
    assert "Chưa có tài khoản dùng thử" in run("demo_logins")


def test_no_demo_dossiers_without_accounts(settings):
    from motcua.dossiers.models import Dossier

    settings.DEBUG = False
    run("load_demo")
    assert not Dossier.objects.exists()


def test_the_demo_loads_during_tet_with_every_moment_in_the_past():
    """Loaded on a day of Tết 2027 (a long break): every action still lies in the past."""
    import time_machine
    from django.utils import timezone

    from motcua.calendar.services import legal_calendar
    from motcua.documents.models import DocumentOpening
    from motcua.dossiers.models import Dossier, DossierEvent

    tet = datetime.datetime(2027, 2, 9, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
    with time_machine.travel(tet, tick=False):
        run("load_demo", "--demo")
        assert not legal_calendar().is_working_day(tet.date())
        # The four of the day at the centre, and Hoa's signed certificate (demo/signing.py).
        assert Dossier.objects.filter(account__isnull=False).count() == 5
        assert not DossierEvent.objects.filter(at__gte=timezone.now()).exclude(
            kind__in=["overdue", "step_overdue"]).exists()
        assert not Dossier.objects.filter(submitted_at__gte=timezone.now()).exists()
        assert DocumentOpening.objects.exists() and not DocumentOpening.objects.filter(at__gte=timezone.now()).exists()


def test_demo_translations_are_complete():
    """Every Vietnamese text of a translated demo procedure has its English twin."""
    from motcua.demo.translations import TRANSLATED, with_english

    missing = []
    translated = [with_english(data["national_code"], demo.procedure_arguments(data), missing)
                  for data in demo.PROCEDURES if data["national_code"] in TRANSLATED]
    assert missing == []
    assert len(translated) == len(TRANSLATED) >= 10
    assert all(args["name_en"] and args["documents"] for args in translated)
