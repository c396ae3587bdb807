"""Payment tests reuse the dossier app's small province (`world`, `receive`) and add a dossier
waiting for its financial obligation."""
import pytest

from motcua.dossiers import services as dossier_services
from motcua.testing.world import APPLICANT, MONDAY, at, documents_for

SECRET = "test-simulator-secret"


@pytest.fixture(autouse=True)
def _payment_settings(settings):
    settings.PAYMENT_GATEWAY = "vnpay_simulator"
    settings.PAYMENT_SIMULATOR_IPN_MODE = "inprocess"
    settings.PAYMENT_SIMULATOR_HASH_SECRET = SECRET
    settings.PAYMENT_ONLINE_DISCOUNT_PERCENT = 0


@pytest.fixture
def waiting(receive, world):
    """A land dossier in processing, then waiting for 120,000 đồng (status 6)."""
    dossier = receive()
    dossier_services.start_processing(world["specialist"], dossier)
    return dossier_services.request_payment(world["specialist"], dossier, amount=120000)
