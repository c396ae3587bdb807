"""A local stand-in for VNPay: the same protocol and signatures, with a shared secret of its own
and its pages at /thanh-toan/gia-lap/ (see `views_simulator.py`). The default gateway of the
embedded run and the tests."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import conf
from .base import register
from .vnpay import VNPayGateway


@register
class VNPaySimulatorGateway(VNPayGateway):
    name = "vnpay_simulator"
    label = _("Payment gateway simulator")

    def is_configured(self) -> bool:
        return True  # its secret is always there (configured or derived from SECRET_KEY)

    def secret(self) -> str:
        return conf.simulator_secret()

    def tmn_code(self) -> str:
        return "MOTCUASIM"

    def base_url(self) -> str:
        return conf.get("PAYMENT_SIMULATOR_URL", "") or reverse("payments:simulator")
