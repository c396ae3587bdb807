"""The payment gateway simulator: a local stand-in for VNPay, in three parts.

- `gateway.py`: the gateway plugin (`vnpay_simulator`), VNPay's protocol with the simulator's
  own secret and URLs.
- `ledger.py`: the simulated bank's books (`SimulatedTransaction`) and its merchant web API
  (status queries and refunds), answered from them.
- `views.py`: its pages at /thanh-toan/gia-lap/, where the citizen pays, cancels or fails, and
  the notification (IPN) it sends to our payment service.

The imports go one way: views -> gateway -> ledger; views -> payments.services. Allowed only
where simulators may run (`motcua.core.simulators`).
"""
from .gateway import VNPaySimulatorGateway  # noqa: F401
