from motcua.dossiers.models import Status

from .conftest import MONDAY, at


def test_receipt_smoke(receive, world):
    d = receive()
    assert d.status == Status.RECEIVED
    assert d.code == "000.00.20.H99-260302-0001"
    # 10 working days from Monday 2 March 08:00 -> Monday 16 March 08:00 (no holidays in the test calendar)
    assert d.due_at == at(2026, 3, 16, 8, 0)
    assert d.steps.get().due_at == at(2026, 3, 2, 14, 0)  # 3.5 h in the morning + 0.5 h after 13:30
