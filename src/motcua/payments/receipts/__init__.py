"""Electronic fee receipts (biên lai điện tử): one per paid payment, issued by an e-invoice
provider (`providers.py`), retried while the provider is down (`services.py`), cancelled by a full
refund. See docs/payments.md, "Electronic receipts"."""
