"""The result is not returned while a fee is owed (any `fee_payable_at`), nor issued while a fee
payable before the result is owed; exemptions chosen at receipt set the fee due."""
import pytest
from rest_framework.test import APIClient

from motcua.catalog.models import FeeExemption, ProcedureVersion
from motcua.dossiers import services as s
from motcua.dossiers.models import Dossier, Status

from motcua.testing.world import at

pytestmark = pytest.mark.django_db
PayableAt = ProcedureVersion.FeePayableAt


def payable(world, when):
    # A published version is immutable through save(); the test sets the catalogue row directly.
    ProcedureVersion.objects.filter(pk=world["version"].pk).update(fee_payable_at=when)


def resolved(receive, world):
    d = receive()
    return s.resolve(world["leader"], d, result_description="Giấy chứng nhận", at=at(2026, 3, 3, 9))


@pytest.mark.parametrize("when", [PayableAt.INTAKE, PayableAt.AT_RETURN])
def test_return_refused_while_owed_then_allowed_after_payment(receive, world, when):
    payable(world, when)
    d = resolved(receive, world)
    assert (d.fee_due, d.fee_paid) == (50000, 0)
    with pytest.raises(s.DossierActionError) as refused:
        s.return_result(world["counter"], d, at=at(2026, 3, 3, 10))
    assert refused.value.code == "fee_unpaid"
    message = refused.value.messages[0]
    assert "50.000 đồng" in message and f"/thanh-toan/quay/{d.code}/" in message
    d.refresh_from_db()
    assert (d.status, d.returned_at, d.version) == (Status.RESOLVED, None, 2)  # nothing changed
    assert not d.events.filter(kind="return_result").exists()

    s.record_payment(world["counter"], d, amount=20000, method="cash", reference="BL-1", at=at(2026, 3, 3, 10))
    with pytest.raises(s.DossierActionError, match="30.000 đồng"):  # a part payment is not enough
        s.return_result(world["counter"], d, at=at(2026, 3, 3, 10))
    s.record_payment(world["counter"], d, amount=30000, method="cash", reference="BL-2", at=at(2026, 3, 3, 10))
    d = s.return_result(world["counter"], d, at=at(2026, 3, 3, 11))
    assert (d.status, d.fee_paid) == (Status.RETURNED, 50000)


def test_fee_payable_before_the_result_holds_back_the_result(receive, world):
    payable(world, PayableAt.BEFORE_RESULT)
    d = receive()
    with pytest.raises(s.DossierActionError) as refused:
        s.resolve(world["leader"], d, result_description="Giấy chứng nhận", at=at(2026, 3, 3, 9))
    assert refused.value.code == "fee_unpaid" and "50.000 đồng" in refused.value.messages[0]
    d.refresh_from_db()
    assert (d.status, d.finished_at) == (Status.RECEIVED, None)
    s.record_payment(world["counter"], d, amount=50000, method="transfer", at=at(2026, 3, 3, 8))
    d = s.resolve(world["leader"], d, result_description="Giấy chứng nhận", at=at(2026, 3, 3, 9))
    assert d.status == Status.RESOLVED


def test_fee_payable_at_intake_does_not_hold_back_the_result(receive, world):
    d = resolved(receive, world)  # payable at intake (the default) and unpaid: issued, not returned
    assert d.status == Status.RESOLVED and world["version"].fee_payable_at == PayableAt.INTAKE


def test_nothing_owed_returns_freely(world):
    d = s.receive_at_counter(
        world["justice_counter"], procedure_version=world["birth"],
        applicant={"kind": "person", "name": "Lê Văn Thử", "id_number": "001090012345"},
        documents=[{"required_document": world["birth"].documents.get().pk, "originals": 1}],
        received_at=at(2026, 3, 2, 8))
    d = s.resolve(world["justice_leader"], d, at=at(2026, 3, 2, 9))
    assert s.return_result(world["justice_counter"], d, at=at(2026, 3, 2, 10)).status == Status.RETURNED


def test_api_refuses_the_return_with_409_and_the_message(receive, world):
    d = resolved(receive, world)
    client = APIClient()
    client.force_authenticate(world["counter"])
    r = client.post(f"/api/v1/dossiers/{d.code}/actions/return_result/", {"version": d.version}, format="json")
    assert r.status_code == 409, r.content
    assert r.json()["code"] == "fee_unpaid"
    assert "còn nợ 50.000 đồng" in r.json()["detail"] and "/thanh-toan/quay/" in r.json()["detail"]
    r = client.post(f"/api/v1/dossiers/{d.code}/actions/return_result/?lang=en", {"version": d.version}, format="json")
    assert r.status_code == 409 and "still owes 50.000 đồng" in r.json()["detail"]
    d.refresh_from_db()
    assert d.status == Status.RESOLVED


def test_exemptions_chosen_at_receipt_set_the_fee_due(receive, world):
    fee = world["version"].fees.get()
    poor, elderly = FeeExemption.objects.bulk_create([  # bulk: the published version's guard is on save()
        FeeExemption(fee=fee, beneficiary="Hộ nghèo", percent=100, legal_basis="Thông tư 85/2019/TT-BTC"),
        FeeExemption(fee=fee, beneficiary="Người cao tuổi", percent=50),
    ])
    assert receive(fee_exemptions=[elderly.pk]).fee_due == 25000
    d = receive(fee_exemptions=[str(poor.pk), elderly.pk])  # the most generous applies
    assert d.fee_due == 0
    payload = d.events.get(kind="receive_at_counter").payload
    assert payload["fee_due"] == 0 and payload["fee_exemptions"] == ["Hộ nghèo (-100%, Thông tư 85/2019/TT-BTC)"]
    d = s.resolve(world["leader"], d, at=at(2026, 3, 3, 9))
    assert s.return_result(world["counter"], d, at=at(2026, 3, 3, 10)).status == Status.RETURNED


def test_an_exemption_of_another_procedure_is_refused(receive, world):
    from motcua.catalog.models import Fee

    fee = Fee.objects.bulk_create([Fee(version=world["birth"], name="Lệ phí khác", amount=1000)])[0]
    foreign = FeeExemption.objects.bulk_create([FeeExemption(fee=fee, beneficiary="Trẻ em", percent=100)])[0]
    with pytest.raises(s.DossierActionError) as refused:
        receive(fee_exemptions=[foreign.pk])
    assert refused.value.code == "invalid"
    assert not Dossier.objects.exists()  # nothing half-saved


def test_api_receipt_takes_the_exemptions(world):
    from motcua.testing.world import APPLICANT, documents_for

    fee = world["version"].fees.get()
    poor = FeeExemption.objects.bulk_create([FeeExemption(fee=fee, beneficiary="Hộ nghèo", percent=100)])[0]
    client = APIClient()
    client.force_authenticate(world["counter"])
    body = {"procedure": world["version"].procedure.code, "service_point": "trung-tam",
            "applicant": {**APPLICANT, "birth_date": "1990-05-17"}, "documents": documents_for(world)}
    response = client.post("/api/v1/dossiers/", {**body, "fee_exemptions": [poor.pk]}, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["fee_due"], response.json()["fee_paid"]) == (0, 0)
    by_post = client.post("/api/v1/dossiers/", {**body, "channel": "post", "return_channel": "post"}, format="json")
    assert by_post.status_code == 201 and by_post.json()["fee_due"] == 50000
    bad = client.post("/api/v1/dossiers/", {**body, "fee_exemptions": [poor.pk + 1000]}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert Dossier.objects.count() == 2
