"""The ticket's status link (printed as a QR code): a signed ticket id, valid two days, so that
nobody walks through other people's tickets by changing a number."""
from motcua.core.signed_links import SignedCode

TICKET_LINK = SignedCode(salt="motcua.queueing.ticket", max_age_seconds=lambda: 2 * 24 * 3600)
