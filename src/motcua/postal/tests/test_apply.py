"""Choosing home delivery when applying online: the ward in force is chosen on the form and
becomes the postal app's delivery choice; without it the form is refused."""
from motcua.dossiers.models import Dossier
from motcua.portal.tests.test_apply_where import communes, citizen, post  # noqa: F401 - the fixture
from motcua.postal.models import Leg, PostalChoice


def test_delivery_by_post_chosen_at_apply(client, communes):  # noqa: F811
    client.force_login(citizen())
    agency = communes["agencies"][0]
    refused = post(client, communes["local"], competent_agency=str(agency.pk), return_channel="post",
                   delivery_address="Số 9 đường Hòa Bình")
    assert refused.status_code == 400 and "Chọn xã, phường nơi nhận kết quả" in refused.content.decode()
    ward = communes["units"][1]
    response = post(client, communes["local"], competent_agency=str(agency.pk), return_channel="post",
                    delivery_address="Số 9 đường Hòa Bình", delivery_unit=str(ward.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    choice = PostalChoice.objects.get(dossier=dossier, leg=Leg.DELIVERY)
    assert choice.unit == ward and choice.street == "Số 9 đường Hòa Bình" and choice.via == "portal"
    assert choice.receiver_phone == "0912345678"
    page = client.get(f"/ca-nhan/ho-so/{dossier.code}/").content.decode()
    assert "Số 9 đường Hòa Bình, Xã Hòa Bình" in page
