"""The engine refuses, clearly, a receipt it cannot give a due date: the working calendar does not
cover the year (issue 10, point 11). Nothing is saved; the message names the year."""
import pytest

from motcua.calendar import services as calendar_services
from motcua.calendar.models import CalendarYear
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier

from motcua.testing.world import APPLICANT, MONDAY, at, documents_for


def _uncover(*years):
    CalendarYear.objects.filter(year__in=years).delete()
    calendar_services.invalidate()


def test_receipt_in_a_year_not_covered_is_refused_and_nothing_saved(receive, world):
    _uncover(2026)
    with pytest.raises(s.DossierActionError) as error:
        receive()
    assert error.value.code == "calendar_not_covered"
    assert "2026" in error.value.messages[0]
    assert Dossier.objects.count() == 0


def test_online_acceptance_in_a_year_not_covered_is_refused(world):
    online = s.submit_online(None, procedure_version=world["version"], applicant=APPLICANT,
                             documents=documents_for(world), submitted_at=MONDAY)
    _uncover(2026)
    with pytest.raises(s.DossierActionError) as error:
        s.accept_online(world["counter"], online, at=at(2026, 3, 2, 9))
    assert error.value.code == "calendar_not_covered"
    online.refresh_from_db()
    assert online.due_at is None and online.received_at is None


def test_a_covered_receipt_gets_its_due_date(receive, world):
    _uncover(2024)  # another year: no effect
    dossier = receive()
    assert dossier.due_at == at(2026, 3, 16, 8)  # 10 working days, no days off in the test calendar
