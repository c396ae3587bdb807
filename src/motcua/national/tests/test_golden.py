"""The stored example: one dossier through all its statuses, exactly as the portal receives it
(the record and its progress rows). Regenerate with UPDATE_GOLDEN=1 after a deliberate change."""
import json
import os
from pathlib import Path

from motcua.national import services
from motcua.national.models import OutboxItem, SimulatedReceipt

GOLDEN = Path(__file__).parent / "golden" / "lifecycle.json"


def test_one_dossier_through_all_its_statuses(lifecycle):
    d = lifecycle()
    totals = services.sync_due()
    assert totals == {"dossiers": 1, "records": 1, "rows": 10, "batches": 1, "failed": 0}
    assert not OutboxItem.objects.filter(acknowledged_at__isnull=True).exists()
    record = SimulatedReceipt.objects.get(kind="record", code=d.code).payload
    progress = [r.payload for r in SimulatedReceipt.objects.filter(kind="progress", code=d.code).order_by("moment")]
    sent = {"record": record, "progress": progress}
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(sent, ensure_ascii=False, indent=2) + "\n")
    expected = json.loads(GOLDEN.read_text())
    assert {k: v for k, v in record.items() if v != expected["record"].get(k)} == {}
    assert sent == expected
    # The statuses the portal saw, in order, and the record's final state.
    assert [row["TrangThai"] for row in progress] == [1, 2, 4, 5, 4, 6, 4, 4, 9, 10]
    assert (record["TrangThaiHoSo"], record["KenhThucHien"], record["DuocThanhToanTrucTuyen"],
            record["TaiKhoanDuocXacThucVoiVNeID"]) == (10, 2, 1, 1)
    assert record["NgayTiepNhan"] == "20260302073000" and record["NgayTra"] == "20260311080000"
