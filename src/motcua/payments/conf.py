"""Payment settings, read from Django settings first and then the environment, with defaults
that make the embedded run and the tests work without any outside service.

PAYMENT_GATEWAY                  name of the default gateway ("vnpay_simulator" where simulators may
                                 run, see motcua.core.simulators; else "vnpay")
PAYMENT_ONLINE_DISCOUNT_PERCENT  global online discount used when a procedure version sets none (0)
PAYMENT_LINK_MAX_AGE_DAYS        how long a signed pay link stays valid (30)
PAYMENT_VNPAY_TMN_CODE           merchant code given by VNPay
PAYMENT_VNPAY_HASH_SECRET        shared secret for HMAC-SHA512 (required for the real gateway)
PAYMENT_VNPAY_URL                VNPay payment page (sandbox by default)
PAYMENT_VNPAY_API_URL            VNPay merchant web API for status queries (sandbox by default)
PAYMENT_QUERY_TIMEOUT_SECONDS    how long a status query may wait for the gateway (10)
PAYMENT_ORDER_EXPIRY_MINUTES     how long the gateway accepts payment of an order (vnp_ExpireDate; 15)
PAYMENT_SERVER_IP                our server's address, sent as vnp_IpAddr in status queries ("127.0.0.1")
PAYMENT_SIMULATOR_URL            base URL of the simulator pages ("" = this site's /thanh-toan/gia-lap/)
PAYMENT_SIMULATOR_IPN_MODE       "http" (call the IPN URL like the real gateway) or "inprocess"
PAYMENT_IPN_BASE_URL             base URL the simulator calls the IPN on ("" = the request's own host)
SITE_URL                         this site's base URL: where status queries reach a relative simulator URL
PAYMENT_RECEIPT_PROVIDER         e-receipt provider ("sinvoice_simulator" where simulators may run, else
                                 "sinvoice"; "none": no electronic receipts)
PAYMENT_RECEIPT_URL              the provider's web API base URL (sinvoice)
PAYMENT_RECEIPT_USERNAME / _PASSWORD  its HTTP Basic credentials
PAYMENT_RECEIPT_SUPPLIER_TAX_CODE     the collecting body's tax code at the provider
PAYMENT_RECEIPT_TEMPLATE         receipt template code (ký hiệu mẫu biên lai, "01BLP0-001")
PAYMENT_RECEIPT_SERIES           receipt series (ký hiệu biên lai; "{yy}" is the year: "BL{yy}E")
PAYMENT_RECEIPT_TIMEOUT_SECONDS  how long a provider call may wait (10)
PAYMENT_RECEIPT_SIMULATOR_URL    base URL of the provider simulator ("" = /thanh-toan/bien-lai-gia-lap/)
PAYMENT_RECEIPT_SIMULATOR_TRANSPORT  "inprocess" (default: the simulator is answered by a function
                                 call, it lives in this site anyway) or "http" (through its web API
                                 on SITE_URL, as a real provider is called)
"""
import hashlib
import hmac
import os

from django.conf import settings


def get(name: str, default: str = "") -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return value


def default_gateway() -> str:
    from motcua.core.simulators import simulators_allowed

    return get("PAYMENT_GATEWAY", "") or ("vnpay_simulator" if simulators_allowed() else "vnpay")


def online_discount_percent() -> int:
    return int(get("PAYMENT_ONLINE_DISCOUNT_PERCENT", "0") or 0)


def link_max_age_seconds() -> int:
    return int(get("PAYMENT_LINK_MAX_AGE_DAYS", "30")) * 24 * 3600


def query_timeout_seconds() -> float:
    return float(get("PAYMENT_QUERY_TIMEOUT_SECONDS", "10") or 10)


def order_expiry_minutes() -> int:
    return int(get("PAYMENT_ORDER_EXPIRY_MINUTES", "15") or 15)


def server_ip() -> str:
    return get("PAYMENT_SERVER_IP", "") or "127.0.0.1"


def simulator_inprocess() -> bool:
    """The unit tests' shortcut: the simulator calls our IPN, and answers our status queries,
    by a function call instead of HTTP."""
    return get("PAYMENT_SIMULATOR_IPN_MODE", "http") == "inprocess"


def simulator_secret() -> str:
    """The simulator's shared secret: configured, or derived from SECRET_KEY (never the real one)."""
    configured = get("PAYMENT_SIMULATOR_HASH_SECRET", "")
    if configured:
        return configured
    return hmac.new(settings.SECRET_KEY.encode(), b"motcua.payments.simulator", hashlib.sha256).hexdigest()


def simulator_flag() -> bool:
    return str(get("PAYMENT_SIMULATOR_ENABLED", "")).strip().lower() in {"1", "true", "yes", "on"}


def simulator_enabled() -> bool:
    """The simulator pages and its IPN answer only where simulators may run at all
    (motcua.core.simulators), and there only where it is the gateway in use, or when
    PAYMENT_SIMULATOR_ENABLED=1 (a demo next to a real gateway)."""
    from motcua.core.simulators import simulators_allowed

    return simulators_allowed() and (simulator_flag() or default_gateway() == "vnpay_simulator")


def receipt_provider() -> str:
    from motcua.core.simulators import simulators_allowed

    name = get("PAYMENT_RECEIPT_PROVIDER", "") or ("sinvoice_simulator" if simulators_allowed() else "sinvoice")
    return "" if name == "none" else name


def receipt_template() -> str:
    return get("PAYMENT_RECEIPT_TEMPLATE", "") or "01BLP0-001"


def receipt_series(year: int) -> str:
    return (get("PAYMENT_RECEIPT_SERIES", "") or "BL{yy}E").replace("{yy}", f"{year % 100:02d}")


def receipt_timeout_seconds() -> float:
    return float(get("PAYMENT_RECEIPT_TIMEOUT_SECONDS", "") or 10)


def receipt_simulator_over_http() -> bool:
    return get("PAYMENT_RECEIPT_SIMULATOR_TRANSPORT", "inprocess") == "http"
