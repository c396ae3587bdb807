"""Fixtures of the national sync tests: the simulator in process, one dossier through all its
statuses, and a dossier with a given number of events."""
import pytest

from motcua.accounts.models import CitizenAccount
from motcua.dossiers import services as s
from motcua.testing.world import APPLICANT, at, documents_for


@pytest.fixture(autouse=True)
def _simulator(settings):
    settings.NATIONAL_TRANSPORT = "simulator"
    settings.NATIONAL_SIMULATOR_MODE = "normal"
    settings.NATIONAL_SYNC = True


@pytest.fixture
def lifecycle(world, django_user_model):
    """An online dossier of a VNeID-verified citizen through its statuses: 1 new, 2 received,
    4 processing, 5 waiting for a supplement, 4, 6 waiting for payment, 4, 9 resolved, 10 returned."""

    def _run():
        citizen = django_user_model.objects.create_user("citizen-vneid", password="x")
        CitizenAccount.objects.create(user=citizen, full_name=APPLICANT["name"], citizen_id=APPLICANT["id_number"],
                                      identity_source="oidc")
        d = s.submit_online(citizen, procedure_version=world["version"], applicant=APPLICANT,
                            documents=documents_for(world), submitted_at=at(2026, 3, 2, 7, 30), account=citizen)
        d = s.accept_online(world["counter"], d, at=at(2026, 3, 2, 9))
        d = s.start_processing(world["specialist"], d, at=at(2026, 3, 2, 10))
        d = s.request_supplement(world["specialist"], d, items=["Trích lục bản đồ"], reason="Thiếu bản đồ",
                                 at=at(2026, 3, 3, 8))
        d = s.receive_supplement(world["counter"], d, documents=[{"name": "Trích lục bản đồ", "copies": 1}],
                                 at=at(2026, 3, 5, 8))
        d = s.request_payment(world["specialist"], d, at=at(2026, 3, 6, 8))
        d = s.confirm_payment(world["counter"], d, amount_paid=25000, online=True, at=at(2026, 3, 9, 8))
        d = s.hand_over(world["specialist"], d, at=at(2026, 3, 9, 9))
        d = s.resolve(world["leader"], d, result_description="Giấy chứng nhận đã cập nhật biến động",
                      at=at(2026, 3, 10, 15))
        return s.return_result(world["counter"], d, at=at(2026, 3, 11, 8))

    return _run


@pytest.fixture
def many_events(receive, world):
    """A counter dossier with `n` events: the receipt, then assignments a minute apart."""

    def _run(n, start=None):
        d = receive(when=start or at(2026, 3, 2, 8))
        officers = [world["specialist"], world["leader"]]
        for i in range(n - 1):
            d = s.assign(world["leader"], d, officer=officers[i % 2], at=at(2026, 3, 2, 9 + i // 60, i % 60))
        return d

    return _run
