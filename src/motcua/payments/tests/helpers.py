"""Build what the simulator (or VNPay) would send back for an order."""
from urllib.parse import parse_qsl, urlsplit

from motcua.payments.gateways.vnpay import sign

from .conftest import SECRET


def order_params(url: str) -> dict:
    return dict(parse_qsl(urlsplit(url).query))


def ipn_params(payment, *, response="00", status="00", amount=None, secret=SECRET, transaction_no="14012345"):
    params = {
        "vnp_Amount": str((payment.amount if amount is None else amount) * 100),
        "vnp_BankCode": "NCB",
        "vnp_OrderInfo": f"Thanh toan phi ho so {payment.dossier.code}",
        "vnp_PayDate": "20260302100000",
        "vnp_ResponseCode": response,
        "vnp_TmnCode": "MOTCUASIM",
        "vnp_TransactionNo": transaction_no,
        "vnp_TransactionStatus": status,
        "vnp_TxnRef": payment.order_ref,
    }
    params["vnp_SecureHash"] = sign(params, secret)
    return params
