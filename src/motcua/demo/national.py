"""The demo province's dossiers at the national portal simulator: every demo dossier sent and
acknowledged, except the most recent one, which the simulator left without an answer (a timeout),
so the page "Đồng bộ Cổng DVCQG" shows one stuck dossier and why. Clicking "Gửi lại ngay" (or
`manage.py sync_national`) then sends it. Only ever to the simulator: demo data never goes to a
real portal. Once: nothing when a call was already made."""
from __future__ import annotations


def load_demo_national() -> dict:
    from motcua.national import services
    from motcua.national.models import OutboxItem, SyncAttempt
    from motcua.national.transports import transport_name
    from motcua.national.transports.simulator import SimulatedPortal

    if transport_name() != "simulator" or SyncAttempt.objects.exists():
        return {}
    codes = list(OutboxItem.objects.filter(acknowledged_at__isnull=True).order_by("-at", "-pk")
                 .values_list("dossier__code", flat=True).distinct())
    codes = list(dict.fromkeys(codes))  # newest first, once each
    if not codes:
        return {}
    stuck, rest = codes[0], codes[1:]
    sent = services.sync_due(transport=SimulatedPortal(mode="normal"), codes=rest, limit=500)
    services.sync_due(transport=SimulatedPortal(mode="timeout"), codes=[stuck])
    return {"national portal rows acknowledged": sent["rows"], "national portal dossiers stuck": 1}
