"""The HTTP adapters (national portal, LGSP) against the simulator served over real HTTP."""
import base64
import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.national import services
from motcua.national.models import ErrorKind, OutboxItem
from motcua.national.transports import AlreadyExists, SyncError
from motcua.national.transports.lgsp import ProvincePlatform
from motcua.national.transports.portal import NationalPortal
from motcua.national.transports.simulator import MemoryStore, serve

LGSP_KEYS = dict(access_key="ak", secret_key="sk", app_name="motcua", partner_code="000.00.00.H99")


def lgsp_token():
    return base64.b64encode(json.dumps({"AccessKey": "ak", "SecretKey": "sk", "AppName": "motcua",
                                        "PartnerCode": "000.00.00.H99",
                                        "PartnerCodeCus": "000.00.00.H99"}).encode()).decode()


@pytest.fixture
def server():
    store = MemoryStore()
    srv = serve(store, lgsp_token=lgsp_token(), delay=0.6)
    srv.store = store
    yield srv
    srv.shutdown()
    srv.server_close()


def portal(server, **overrides):
    kwargs = dict(url=server.url + "/service", auth_url=server.url + "/auth", username="motcua",
                  password="mat-khau", dstcode="000.00.00.H99", unit="000.00.00.H99", timeout=0.3)
    kwargs.update(overrides)
    return NationalPortal(**kwargs)


def platform(server, **overrides):
    return ProvincePlatform(server.url, unit="000.00.00.H99", timeout=0.3, **{**LGSP_KEYS, **overrides})


def test_plain_http_only_to_this_machine():
    with pytest.raises(ImproperlyConfigured):
        NationalPortal("http://dichvucong.gov.vn/api", "https://x/auth", "u", "p", "d", "u")
    with pytest.raises(ImproperlyConfigured):
        ProvincePlatform("http://lgsp.example.vn", unit="u", **LGSP_KEYS)


@pytest.mark.parametrize("make", [portal, platform], ids=["portal", "lgsp"])
def test_a_dossier_through_all_its_statuses_over_http(server, lifecycle, make):
    d = lifecycle()
    transport = make(server)
    totals = services.sync_due(transport=transport)
    assert totals == {"dossiers": 1, "records": 1, "rows": 10, "batches": 1, "failed": 0}
    assert server.store.records[d.code]["TrangThaiHoSo"] == 10
    assert sorted(status for (_code, _moment, status) in server.store.progress) == sorted(
        ["1", "2", "4", "5", "4", "6", "4", "4", "9", "10"])
    assert not OutboxItem.objects.filter(acknowledged_at__isnull=True).exists()


def test_portal_session_is_asked_once_and_again_when_refused(server):
    transport = portal(server)
    record = {"MaHoSo": "H-1", "MaTTHC": "1.004227", "TrangThaiHoSo": 2,
              "DinhDanhCHS": [{"LoaiDinhDanh": "1", "SoDinhDanh": "038190012345"}]}
    transport.send_record(record, update=False)
    transport.send_record(record, update=True)
    assert server.requests == ["/auth", "/service", "/service"]
    server.sessions.clear()  # the portal forgot the session
    transport.send_record(record, update=True)
    assert server.requests[3:] == ["/service", "/auth", "/service"]
    with pytest.raises(AlreadyExists):
        transport.send_record(record, update=False)


def test_portal_wrong_destination_code_or_credentials(server):
    with pytest.raises(SyncError) as error:
        portal(server, dstcode="000.00.00.X00").session()
    assert error.value.kind == ErrorKind.AUTH
    with pytest.raises(SyncError) as error:
        portal(server, password="sai").session()
    assert error.value.kind == ErrorKind.AUTH


def test_lgsp_wrong_token(server):
    with pytest.raises(SyncError) as error:
        platform(server, secret_key="sai").send_progress("H-1", [{}])
    assert error.value.kind == ErrorKind.AUTH


@pytest.mark.parametrize("make", [portal, platform], ids=["portal", "lgsp"])
@pytest.mark.parametrize("mode, kind", [
    ("server_error", ErrorKind.SERVER), ("garbage", ErrorKind.NOT_JSON), ("error_code", ErrorKind.REFUSED),
    ("timeout", ErrorKind.TIMEOUT)])
def test_failure_modes_over_http(server, receive, make, mode, kind):
    d = receive()
    server.mode = mode
    assert services.sync_due(transport=make(server))["failed"] == 1
    assert set(OutboxItem.objects.filter(dossier=d).values_list("error_kind", "attempts")) == {(kind, 1)}
    assert d.code not in server.store.records or mode == "timeout"


def test_unreachable_portal(receive):
    receive()
    transport = NationalPortal("http://127.0.0.1:9/service", "http://127.0.0.1:9/auth", "u", "p", "d", "u",
                               timeout=0.3)
    services.sync_due(transport=transport)
    assert set(OutboxItem.objects.values_list("error_kind", flat=True)) == {ErrorKind.CONNECTION}


def test_lost_answer_over_http_is_not_doubled(server, receive):
    d = receive()
    server.mode = "lost_answer"
    transport = portal(server)
    services.sync_due(transport=transport)
    assert OutboxItem.objects.get(dossier=d).error_kind == ErrorKind.TIMEOUT
    server.mode = "normal"
    from django.utils import timezone
    import datetime

    services.sync_due(timezone.now() + datetime.timedelta(minutes=1), transport=transport)
    assert OutboxItem.objects.get(dossier=d).acknowledged_at is not None
    assert len(server.store.progress) == 1 and server.store.record_updates == 1
