"""A local stand-in for VNPay: the same protocol and signatures, with a shared secret of its own
and its pages at /thanh-toan/gia-lap/ (see `views.py`). The default gateway of the embedded run
and the tests. Its status query API is at <its base URL>merchant_webapi/api/transaction, like
VNPay's, and answers status queries and refunds from the simulator's own ledger (`ledger.py`)."""
from urllib.parse import urljoin

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ... import conf
from ..base import register
from ..vnpay import VNPayGateway
from .ledger import answer_api

API_PATH = "merchant_webapi/api/transaction"


@register
class VNPaySimulatorGateway(VNPayGateway):
    name = "vnpay_simulator"
    label = _("Payment gateway simulator")
    simulator = True

    def is_configured(self) -> bool:
        return True  # its secret is always there (configured or derived from SECRET_KEY)

    def secret(self) -> str:
        return conf.simulator_secret()

    def tmn_code(self) -> str:
        return "MOTCUASIM"

    def base_url(self) -> str:
        return conf.get("PAYMENT_SIMULATOR_URL", "") or reverse("payments:simulator")

    def api_url(self) -> str:
        """Absolute, for a server-to-server call: a relative simulator URL is on this site."""
        base = urljoin(getattr(settings, "SITE_URL", "") or "http://127.0.0.1:8000", self.base_url())
        return urljoin(base if base.endswith("/") else base + "/", API_PATH)

    def post_query(self, body: dict) -> dict:
        if conf.simulator_inprocess():
            return answer_api(self, body)
        return super().post_query(body)
