"""Fees and payments: fee quotes, counter payments, online gateways (VNPay shape + simulator),
reconciliation. See docs/payments.md."""
