"""No simulator in production (issue 17, point 4).

One rule (motcua.core.simulators) for every local stand-in of an outside service: the payment
gateway simulator, the SMS simulator and the console outbox, the population register simulator.
With DEBUG off and without MOTCUA_ALLOW_SIMULATORS_IN_PRODUCTION, selecting any of them raises
ImproperlyConfigured and the system check fails with an Error (motcua.E010); the defaults are then
the real services. With the override they work and a warning is logged at start. The test
settings allow simulators explicitly (settings_test.py); these tests take that back.
"""
import logging

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from motcua.core import checks as core_checks
from motcua.core import simulators
from motcua.integrations.business import RegistryUnavailable as BusinessRegistryUnavailable
from motcua.integrations.business import get_registry
from motcua.integrations.population import get_register
from motcua.integrations.procedures import CatalogueUnavailable, get_catalogue
from motcua.integrations.population.base import RegisterUnavailable
from motcua.notifications.providers import get_provider, provider_name_for
from motcua.payments import conf as payment_conf
from motcua.payments.gateways import get_gateway

PRODUCTION = {"DEBUG": False, "ALLOW_SIMULATORS_IN_PRODUCTION": False, "ALLOW_SIMULATORS": False}
OVERRIDE = {"DEBUG": False, "ALLOW_SIMULATORS_IN_PRODUCTION": True, "ALLOW_SIMULATORS": True}

SELECTIONS = [
    ("payment gateway", lambda: get_gateway("vnpay_simulator")),
    ("SMS simulator", lambda: get_provider("sms_simulator")),
    ("console outbox", lambda: get_provider("console")),
    ("population register", lambda: get_register("simulator")),
    ("national procedure database", lambda: get_catalogue("simulator")),
    ("business registry", lambda: get_registry("simulator")),
]


@pytest.mark.parametrize("label,select", SELECTIONS, ids=[s[0] for s in SELECTIONS])
def test_each_simulator_is_refused_under_production_settings(label, select):
    with override_settings(**PRODUCTION):
        with pytest.raises(ImproperlyConfigured, match="simulator.*DEBUG off.*MOTCUA_ALLOW_SIMULATORS_IN_PRODUCTION"):
            select()


@pytest.mark.parametrize("label,select", SELECTIONS, ids=[s[0] for s in SELECTIONS])
def test_each_simulator_works_with_the_override(label, select):
    with override_settings(**OVERRIDE):
        assert select() is not None


@pytest.mark.parametrize("label,select", SELECTIONS, ids=[s[0] for s in SELECTIONS])
def test_allow_simulators_off_refuses_even_under_debug(label, select):
    with override_settings(DEBUG=True, ALLOW_SIMULATORS=False):
        with pytest.raises(ImproperlyConfigured, match="ALLOW_SIMULATORS is off"):
            select()


def test_debug_alone_allows_them_as_in_make_run():
    with override_settings(DEBUG=True, ALLOW_SIMULATORS=True, ALLOW_SIMULATORS_IN_PRODUCTION=False):
        assert simulators.simulators_allowed()
        assert get_gateway("vnpay_simulator").name == "vnpay_simulator"


@override_settings(**PRODUCTION, PAYMENT_GATEWAY="", POPULATION_REGISTER="", POPULATION_REGISTER_URL="",
                   MOTCUA_NOTIFICATION_PROVIDERS={})
def test_production_defaults_are_the_real_services(monkeypatch):
    monkeypatch.delenv("MOTCUA_SMS_PROVIDER", raising=False)
    monkeypatch.delenv("MOTCUA_EMAIL_PROVIDER", raising=False)
    assert payment_conf.default_gateway() == "vnpay"
    assert not payment_conf.simulator_enabled()
    assert (provider_name_for("sms"), provider_name_for("email")) == ("sms_gateway", "smtp")
    # no register configured: lookups are "unavailable" (forms let the person type), never synthetic people
    with pytest.raises(RegisterUnavailable):
        get_register().lookup("001099000001")
    # the same for the national procedure database and the business registry
    with pytest.raises(CatalogueUnavailable):
        get_catalogue().list_procedures("000.00.00.H99")
    with pytest.raises(BusinessRegistryUnavailable):
        get_registry().lookup("0100109106")
    assert core_checks.check_simulators() == []


@override_settings(**PRODUCTION, PAYMENT_GATEWAY="vnpay_simulator", POPULATION_REGISTER="simulator",
                   MOTCUA_NOTIFICATION_PROVIDERS={"sms": "sms_simulator", "email": "console"})
def test_the_system_check_fails_with_an_error_for_each_selected_simulator(monkeypatch):
    monkeypatch.delenv("MOTCUA_SMS_PROVIDER", raising=False)
    monkeypatch.delenv("MOTCUA_EMAIL_PROVIDER", raising=False)
    errors = core_checks.check_simulators()
    assert [e.id for e in errors] == ["motcua.E010"] * 4
    assert all(e.level == logging.ERROR for e in errors)  # an Error, not a warning
    text = " ".join(e.msg for e in errors)
    for name in ("vnpay_simulator", "sms_simulator", "console", "'simulator'"):
        assert name in text
    with pytest.raises(SystemCheckError, match="motcua.E010"):
        call_command("check", "--deploy", "--fail-level", "ERROR")


@override_settings(**PRODUCTION, PAYMENT_GATEWAY="vnpay", PAYMENT_SIMULATOR_ENABLED="1")
def test_the_simulator_next_to_a_real_gateway_is_refused_too(client):
    assert [e.id for e in core_checks.check_simulators()] == ["motcua.E010"]
    assert client.get("/thanh-toan/gia-lap/").status_code == 404
    assert client.get("/thanh-toan/ipn/vnpay_simulator/", {"vnp_TxnRef": "x"}).status_code == 404


@pytest.mark.django_db
def test_the_pay_pages_of_the_simulator_are_gone_in_production(client):
    with override_settings(**PRODUCTION, PAYMENT_GATEWAY="vnpay_simulator"):
        assert client.get("/thanh-toan/gia-lap/").status_code == 404
        assert client.get("/thanh-toan/ket-qua/vnpay_simulator/").status_code == 404
        assert client.get("/thanh-toan/ipn/vnpay_simulator/", {"vnp_TxnRef": "x"}).status_code == 404
        assert client.post("/thanh-toan/gia-lap/merchant_webapi/api/transaction", "{}",
                           content_type="application/json").status_code == 404


@override_settings(**OVERRIDE, PAYMENT_GATEWAY="vnpay_simulator", POPULATION_REGISTER="simulator")
def test_with_the_override_they_work_and_the_start_logs_a_warning(caplog):
    assert core_checks.check_simulators() == []
    with caplog.at_level(logging.WARNING, logger="motcua.simulators"):
        assert simulators.warn_at_start()
    assert "MOTCUA_ALLOW_SIMULATORS_IN_PRODUCTION" in caplog.text
    assert payment_conf.simulator_enabled()
    assert get_register().name == "simulator"


def test_no_warning_without_the_override(caplog):
    with override_settings(DEBUG=True, ALLOW_SIMULATORS=True, ALLOW_SIMULATORS_IN_PRODUCTION=False):
        with caplog.at_level(logging.WARNING, logger="motcua.simulators"):
            assert not simulators.warn_at_start()
    assert caplog.text == ""
