"""Feedback tests reuse the dossier app's small province (`world`, `receive`) and add a counter
with the counter officer seated at it, a province administrator, and a returned dossier."""
import pytest

from motcua.dossiers import services as dossier_services
from motcua.testing.world import APPLICANT, MONDAY, at, documents_for, make_officer
from motcua.organization.models import Counter, CounterAssignment, Role


@pytest.fixture(autouse=True)
def _feedback_settings(settings):
    settings.RATING_CHANGE_WINDOW_HOURS = 72
    settings.FEEDBACK_PORTAL_MAX_PER_HOUR = 5


@pytest.fixture
def counter(world):
    desk = Counter.objects.create(service_point=world["centre"], number=3, name="Đất đai")
    desk.agencies.add(world["land"])
    CounterAssignment.objects.create(user=world["counter"], counter=desk, agency=world["land"])
    return desk


@pytest.fixture
def province_admin(world):
    return make_officer("province_admin", Role.PROVINCE_ADMIN, None)


def pay_in_full(world, dossier, when):
    """The applicant pays the fee at the counter (the result is not returned while one is owed)."""
    owed = dossier.fee_due - dossier.fee_paid
    if owed:
        dossier_services.record_payment(world["counter"], dossier, amount=owed, method="cash", reference="BL-1",
                                        at=when)


@pytest.fixture
def returned(receive, world, counter):
    """Receive a land dossier at `when`, resolve it a day later, return it an hour after."""

    def _returned(when=MONDAY, **overrides):
        dossier = receive(when, **overrides)
        pay_in_full(world, dossier, when)  # the result is not returned while a fee is owed
        dossier = dossier_services.resolve(world["leader"], dossier, result_description="Giấy chứng nhận",
                                           at=at(when.year, when.month, when.day + 1, 9))
        return dossier_services.return_result(world["counter"], dossier, at=at(when.year, when.month, when.day + 1, 10))

    return _returned
