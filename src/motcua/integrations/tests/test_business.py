"""Business registry lookup: the tax code's check digit, the simulator's businesses (incl. suspended
and dissolved), the HTTP adapter against a local server (found, not found, 503, garbage, timeout),
who may look up (checked, throttled, audited), the counter intake's lookup and receipt with a
business owner, and the online form's pre-fill for a business account."""
import threading
from http.server import ThreadingHTTPServer

import pytest

from motcua.accounts import services as accounts
from motcua.accounts.models import AccountKind
from motcua.backoffice.tests.scenario import PROCEDURE_CODE, build_world
from motcua.dossiers.models import Dossier
from motcua.integrations import business
from motcua.integrations.business.base import status_from_label
from motcua.integrations.business.http import HttpBusinessRegistry
from motcua.integrations.business.simulator import SimulatedBusinessRegistry, businesses, example, handler_for
from motcua.integrations.business.taxcode import check_digit
from motcua.organization.models import AccessAuditEntry

ACTIVE, SUSPENDED, DISSOLVED = example("active"), example("suspended"), example("dissolved")


def test_tax_code_check_digit():
    # Public codes follow the rule (Decision 75/1998/QĐ-TCT).
    assert business.check_tax_code("0100109106") == "0100109106"
    assert business.check_tax_code("0300588569") == "0300588569"
    assert business.check_tax_code("0100109106001") == "0100109106-001"
    with pytest.raises(business.InvalidTaxCode, match="chữ số kiểm tra"):
        business.check_tax_code("0100109107")
    with pytest.raises(business.InvalidTaxCode, match="10 chữ số"):
        business.check_tax_code("12345")
    with pytest.raises(business.InvalidTaxCode):
        business.check_tax_code("0100109106-000")
    assert all(check_digit(b.tax_code[:9]) == int(b.tax_code[9]) for b in businesses())


def test_the_simulator_has_each_status():
    assert (ACTIVE.status, SUSPENDED.status, DISSOLVED.status) == ("active", "suspended", "dissolved")
    assert SUSPENDED.status_label == "Tạm ngừng kinh doanh có thời hạn"
    assert len({b.tax_code for b in businesses()}) == len(businesses()) == 45
    assert any(len(b.tax_code) == 14 for b in businesses())  # branches, 0123456789-001
    registry = SimulatedBusinessRegistry()
    assert registry.lookup(ACTIVE.tax_code) == ACTIVE
    assert registry.lookup("0100109106") is None
    with pytest.raises(business.RegistryTimeout):
        SimulatedBusinessRegistry("timeout").lookup(ACTIVE.tax_code)
    with pytest.raises(business.RegistryUnavailable):
        SimulatedBusinessRegistry("unavailable").lookup(ACTIVE.tax_code)


def test_status_words():
    assert status_from_label("Đang hoạt động") == "active"
    assert status_from_label("NNT tạm ngừng kinh doanh") == "suspended"
    assert status_from_label("Đang làm thủ tục giải thể") == "dissolving"
    assert status_from_label("Đã giải thể") == "dissolved"
    assert status_from_label("Bị thu hồi Giấy chứng nhận đăng ký doanh nghiệp") == "revoked"
    assert status_from_label("???") == "unknown"


class _Server:
    def __init__(self, registry, **kwargs):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(registry, **kwargs))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/tra-cuu"

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_the_http_adapter_against_a_local_server():
    registry = SimulatedBusinessRegistry()
    with _Server(registry, token="t") as url:
        adapter = HttpBusinessRegistry(url, token="t", timeout=5)
        assert adapter.lookup(SUSPENDED.tax_code) == SUSPENDED
        assert adapter.lookup("0100109106") is None
        with pytest.raises(business.RegistryUnavailable, match="HTTP 401"):
            HttpBusinessRegistry(url, token="wrong").lookup(ACTIVE.tax_code)
        registry.mode = "unavailable"
        with pytest.raises(business.RegistryUnavailable, match="HTTP 503"):
            adapter.lookup(ACTIVE.tax_code)
        registry.mode = "garbage"
        with pytest.raises(business.RegistryUnavailable, match="not JSON"):
            adapter.lookup(ACTIVE.tax_code)
    with _Server(SimulatedBusinessRegistry(), delay=1.0) as url:
        with pytest.raises(business.RegistryTimeout):
            HttpBusinessRegistry(url, timeout=0.2).lookup(ACTIVE.tax_code)


@pytest.fixture
def scenario(db, settings):
    settings.BUSINESS_REGISTRY = "simulator"
    return build_world()


def business_account(tax_code):
    return accounts.sign_up({"kind": AccountKind.BUSINESS, "full_name": "Lý Đức Cường", "phone": "0999000977",
                             "email": "", "address": "", "business_name": "X", "tax_code": tax_code}, "pw-123456")


def test_who_may_look_up(scenario):
    officer = scenario.counter_officer
    assert business.prefill(SUSPENDED.tax_code, user=officer, page="/p")["status"] == "suspended"
    entry = AccessAuditEntry.objects.filter(kind="register_lookup").latest("pk")
    assert (entry.actor, entry.action, entry.object_label) == (officer, "looked_up", f"MST {SUSPENDED.tax_code}")
    account = business_account(ACTIVE.tax_code)
    assert business.prefill(ACTIVE.tax_code, user=account.user)["name"] == ACTIVE.name
    with pytest.raises(business.LookupRefused) as refused:
        business.prefill(SUSPENDED.tax_code, user=account.user)
    assert refused.value.reason == "not_own_code"


def test_throttled_like_the_population_register(scenario, settings):
    settings.POPULATION_LOOKUP_LIMIT_OFFICER = (2, 3600)
    officer = scenario.counter_officer
    business.prefill(ACTIVE.tax_code, user=officer)
    business.prefill(ACTIVE.tax_code, user=officer)
    with pytest.raises(business.LookupRefused):
        business.prefill(ACTIVE.tax_code, user=officer)
    assert AccessAuditEntry.objects.filter(kind="register_lookup", action="refused").count() == 1


def test_the_counter_lookup(scenario, client, settings):
    client.force_login(scenario.counter_officer)
    url = "/mot-cua/tiep-nhan/doanh-nghiep/"
    found = client.get(url, {"tax_code": DISSOLVED.tax_code}).json()
    assert found["found"] and found["name"] == DISSOLVED.name and found["status"] == "dissolved"
    assert "Đã giải thể" in found["warning"]
    assert found["representatives"][0]["name"] == DISSOLVED.representatives[0].full_name
    assert found["business_lines"][0]["main"] is True
    active = client.get(url, {"tax_code": ACTIVE.tax_code}).json()
    assert active["found"] and active["warning"] == "" and active["address"] == ACTIVE.head_office
    bad = client.get(url, {"tax_code": "0100109107"})
    assert bad.status_code == 400 and "chữ số kiểm tra" in bad.json()["detail"]
    assert client.get(url, {"tax_code": "0100109106"}).json() == {
        "found": False, "message": "CSDL quốc gia về đăng ký doanh nghiệp không có doanh nghiệp mang mã số thuế này."}
    settings.BUSINESS_REGISTRY_SIMULATOR_MODE = "timeout"
    assert "không trả lời kịp" in client.get(url, {"tax_code": ACTIVE.tax_code}).json()["message"]
    settings.BUSINESS_REGISTRY_SIMULATOR_MODE = "unavailable"
    assert "không phản hồi" in client.get(url, {"tax_code": ACTIVE.tax_code}).json()["message"]
    client.force_login(scenario.specialist)  # not a counter officer: no such page
    assert client.get(url, {"tax_code": ACTIVE.tax_code}).status_code == 404


def _intake_post(scenario, **owner):
    data = {"procedure": PROCEDURE_CODE, "case": "", "form_token": "t-" + str(len(owner)),
            "applicant_citizen_id": "038195012346", "applicant_name": "Đỗ Thị Kho", "return_channel": "counter"}
    for doc in scenario.version.documents.all():
        if doc.is_required:
            data[f"doc_{doc.pk}"] = "on"
            data[f"doc_{doc.pk}_originals"] = "1"
    data.update(owner)
    return data


def test_receive_with_a_business_owner(scenario, client):
    client.force_login(scenario.counter_officer)
    refused = client.post("/mot-cua/tiep-nhan/", _intake_post(scenario, owner_same="on", owner_tax_code=ACTIVE.tax_code,
                                                               owner_name=ACTIVE.name))
    assert refused.status_code == 400 and Dossier.objects.count() == 0
    response = client.post("/mot-cua/tiep-nhan/", _intake_post(
        scenario, owner_tax_code=ACTIVE.tax_code, owner_name=ACTIVE.name, owner_address=ACTIVE.head_office))
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    assert (dossier.owner_kind, dossier.owner_id_number, dossier.owner_name) == ("business", ACTIVE.tax_code, ACTIVE.name)
    assert (dossier.applicant_kind, dossier.applicant_id_number) == ("person", "038195012346")


def test_the_online_form_prefills_the_business(scenario, client, settings):
    from motcua.catalog import services as catalog

    online = catalog.create_procedure(
        "2.000001.000.00.01.H99", "2.000001", name="Thông báo tạm ngừng kinh doanh", field="ho-tich", time_limit=3,
        levels=["tinh"], competent_agencies=[scenario.agency], receiving_agencies=[scenario.agency],
        accepts_online=True, online_level="full", documents=[{"name": "Thông báo", "originals": 1}], publish=True)
    url = f"/thu-tuc/{online.procedure.code}/nop-truc-tuyen/"
    account = business_account(SUSPENDED.tax_code)
    client.force_login(account.user)
    page = client.get(url).content.decode()
    assert f'value="{SUSPENDED.name}"' in page and f'value="{SUSPENDED.tax_code}"' in page
    assert 'role="alert"' in page and "Tạm ngừng kinh doanh" in page
    assert 'name="applicant_id_number" value="' not in page  # the person's ID, not the tax code (none saved)
    settings.BUSINESS_REGISTRY_SIMULATOR_MODE = "unavailable"
    page = client.get(url).content.decode()
    assert "Hiện không tra cứu được" in page and f'value="{SUSPENDED.name}"' not in page
