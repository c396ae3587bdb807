"""The population register: simulator answers, error modes, and the HTTP adapter against a local server."""
import datetime
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.core.identity_numbers import citizen_id_birth_year, validate_citizen_id
from motcua.integrations import population
from motcua.integrations.population import simulator
from motcua.integrations.population.http import HttpPopulationRegister


def test_simulated_people_are_fixed_and_well_formed():
    people = simulator.people()
    assert len(people) == 200 and len({person.citizen_id for person in people}) == 200
    assert people[0].citizen_id == "036165221357" and people[0].full_name == "Lý Thanh Nhung"
    for person in people:
        validate_citizen_id(person.citizen_id, person.birth_date)
        assert citizen_id_birth_year(person.citizen_id) == person.birth_date.year
        assert int(person.citizen_id[3]) % 2 == (1 if person.sex == "female" else 0)
        assert len(person.full_name.split()) == 3
    # Vietnamese with diacritics, and both sexes.
    assert any(ch in "".join(p.full_name for p in people) for ch in "ễờạịứ")
    assert {person.sex for person in people} == {"male", "female"}


def test_simulator_found_and_not_found(settings):
    settings.POPULATION_REGISTER = "simulator"
    settings.POPULATION_SIMULATOR_MODE = "normal"
    person = simulator.people()[1]
    register = population.get_register()
    assert register.lookup(person.citizen_id) == person
    assert register.lookup("001090000000") is None


@pytest.mark.parametrize("mode, error", [("unavailable", population.RegisterUnavailable),
                                         ("timeout", population.RegisterTimeout)])
def test_simulator_error_modes(settings, mode, error):
    settings.POPULATION_SIMULATOR_MODE = mode
    with pytest.raises(error):
        population.get_register().lookup(simulator.people()[0].citizen_id)
    with pytest.raises(population.RegisterUnavailable):  # a timeout is a kind of unavailability
        population.prefill(simulator.people()[0].citizen_id)


def test_prefill(settings):
    settings.POPULATION_SIMULATOR_MODE = "normal"
    person = simulator.people()[2]
    data = population.prefill(person.citizen_id)
    assert data == {"citizen_id": "001182395777", "full_name": "Lê Bảo Nhung", "birth_date": datetime.date(1982, 8, 27),
                    "sex": "female", "address": person.permanent_address, "place_of_origin": person.place_of_origin}
    assert population.prefill("001090000000") == {}
    assert population.prefill("not-an-id") == {}


def test_unknown_adapter_is_a_configuration_error(settings):
    settings.POPULATION_REGISTER = "nowhere"
    with pytest.raises(ImproperlyConfigured):
        population.get_register()


# The HTTP adapter --------------------------------------------------------------------------------
class FakeRegister:
    """A local stand-in for the national service: knows one synthetic person."""

    TOKEN = "client-token-test"

    def __init__(self):
        self.behaviour = "normal"
        self.requests = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                owner.requests.append((self.headers.get("Authorization"), body))
                if owner.behaviour == "slow":
                    time.sleep(1.5)
                if self.headers.get("Authorization") != f"Bearer {owner.TOKEN}":
                    return self._send(401, {"error": "unauthorised"})
                if owner.behaviour == "down":
                    return self._send(503, {"error": "maintenance"})
                if owner.behaviour == "garbage":
                    return self._send(200, "<html>", raw=True)
                if body.get("soDinhDanh") != "038085001234":
                    return self._send(404, {"ketQua": "KHONG_TIM_THAY"})
                self._send(200, {"soDinhDanh": "038085001234", "hoVaTen": "Phạm Thị Hồng Nhung",
                                 "ngaySinh": "14/03/1985", "gioiTinh": "Nữ",
                                 "noiThuongTru": "Số 7, đường Quang Trung, Phường Tân Hòa, Tỉnh Thanh Hóa",
                                 "queQuan": "Xã Yên Phú, Tỉnh Thanh Hóa"})

            def _send(self, status, payload, raw=False):
                data = (payload if raw else json.dumps(payload)).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # The slow answer is written after the client gave up: a broken pipe that is expected.
        self.server.handle_error = lambda request, client_address: None
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/cong-dan/tra-cuu"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_register():
    server = FakeRegister()
    yield server
    server.stop()


def test_http_adapter_found(fake_register, settings):
    settings.POPULATION_REGISTER = "http"
    settings.POPULATION_REGISTER_URL = fake_register.url
    settings.POPULATION_REGISTER_TOKEN = FakeRegister.TOKEN
    record = population.get_register().lookup("038085001234")
    assert record == population.PersonRecord(
        "038085001234", "Phạm Thị Hồng Nhung", datetime.date(1985, 3, 14), "female",
        "Số 7, đường Quang Trung, Phường Tân Hòa, Tỉnh Thanh Hóa", "Xã Yên Phú, Tỉnh Thanh Hóa")
    assert fake_register.requests == [("Bearer client-token-test", {"soDinhDanh": "038085001234"})]
    assert population.prefill("038085001234")["full_name"] == "Phạm Thị Hồng Nhung"


def test_http_adapter_not_found(fake_register):
    assert HttpPopulationRegister(fake_register.url, FakeRegister.TOKEN).lookup("001090000000") is None


@pytest.mark.parametrize("behaviour, token", [("normal", "wrong-token"), ("down", FakeRegister.TOKEN),
                                              ("garbage", FakeRegister.TOKEN)])
def test_http_adapter_unavailable(fake_register, behaviour, token):
    fake_register.behaviour = behaviour
    with pytest.raises(population.RegisterUnavailable):
        HttpPopulationRegister(fake_register.url, token).lookup("038085001234")


def test_http_adapter_timeout(fake_register):
    fake_register.behaviour = "slow"
    with pytest.raises(population.RegisterTimeout):
        HttpPopulationRegister(fake_register.url, FakeRegister.TOKEN, timeout=0.3).lookup("038085001234")


def test_http_adapter_nobody_listening():
    with pytest.raises(population.RegisterUnavailable):
        HttpPopulationRegister("http://127.0.0.1:9/", "t", timeout=1).lookup("038085001234")


def test_http_adapter_refuses_plain_http_to_other_hosts():
    with pytest.raises(ImproperlyConfigured):
        HttpPopulationRegister("http://register.example.gov.vn/api", "t")
    assert HttpPopulationRegister("https://register.example.gov.vn/api", "t").url.startswith("https://")
