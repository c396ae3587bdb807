"""The one plugin registry (`core.registry`) and the four families that use it."""
import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.core.registry import Registry, UnknownPlugin


class Post:
    name = "post"


class PostSimulator:
    name = "post_simulator"
    simulator = True


def test_register_get_and_names():
    registry = Registry("postal service", setting="POSTAL_SERVICE")
    assert registry.register(Post) is Post  # usable as a class decorator
    registry.register(PostSimulator)
    registry.register(lambda: "factory", "by_hand")
    assert registry.get("post") is Post
    assert registry.get("by_hand")() == "factory"
    assert registry.names() == ["by_hand", "post", "post_simulator"]
    assert "post" in registry and "nowhere" not in registry
    assert (registry.is_simulator("post_simulator"), registry.is_simulator("post"), registry.is_simulator("x")) == (
        True, False, False)
    registry.unregister("by_hand")
    assert registry.names() == ["post", "post_simulator"]


def test_an_unknown_name_names_the_known_ones_and_the_setting():
    registry = Registry("postal service", setting="POSTAL_SERVICE")
    registry.register(Post)
    with pytest.raises(UnknownPlugin) as error:
        registry.get("vnpost")
    assert str(error.value) == "unknown postal service 'vnpost' (setting POSTAL_SERVICE); known: post"
    assert isinstance(error.value, KeyError)  # as a dict's lookup
    with pytest.raises(ImproperlyConfigured, match="unknown signing service 'x'; known: none"):
        Registry("signing service", unknown=ImproperlyConfigured).get("x")


def test_a_taken_name_is_refused_unless_replaced():
    registry = Registry("queue")
    registry.register(Post)
    registry.register(Post)  # the same plugin again (a module imported twice) is harmless
    other = type("Other", (), {"name": "post"})
    with pytest.raises(ValueError, match="queue 'post' is already registered"):
        registry.register(other)
    assert registry.get("post") is Post
    registry.register(other, replace=True)
    assert registry.get("post") is other
    with pytest.raises(ValueError, match="a queue needs a name"):
        registry.register(object())


def test_a_simulator_is_handed_out_only_where_simulators_may_run(settings):
    registry = Registry("postal service")
    registry.register(PostSimulator)
    registry.register(Post)
    settings.DEBUG = False
    settings.ALLOW_SIMULATORS_IN_PRODUCTION = False
    with pytest.raises(ImproperlyConfigured, match="postal service 'post_simulator' is a simulator"):
        registry.get("post_simulator")
    assert registry.get("post") is Post
    settings.ALLOW_SIMULATORS_IN_PRODUCTION = True
    assert registry.get("post_simulator") is PostSimulator


def test_the_four_families_use_it(settings):
    from motcua.integrations.population.base import REGISTERS
    from motcua.notifications.providers import PROVIDERS, PermanentFailure, get_provider
    from motcua.payments.gateways import GATEWAYS, get_gateway
    from motcua.printouts.registry import FORMS, UnknownForm, template_for

    assert {"vnpay", "vnpay_simulator"} <= set(GATEWAYS.names())
    assert {"console", "smtp", "sms_gateway", "sms_simulator"} <= set(PROVIDERS.names())
    assert {"http", "none", "simulator"} <= set(REGISTERS.names())
    assert {"01", "02", "03", "04", "05", "06"} <= set(FORMS.names())
    # each family keeps its own error for an unknown name, with the known names in it
    with pytest.raises(UnknownPlugin, match="unknown payment gateway 'momo' .*known: .*vnpay"):
        get_gateway("momo")
    with pytest.raises(PermanentFailure, match="unknown notification provider 'zalo'.*known: console"):
        get_provider("zalo")
    settings.POPULATION_REGISTER = "nowhere"
    with pytest.raises(ImproperlyConfigured, match="'nowhere' \\(setting POPULATION_REGISTER\\); known: http, none"):
        from motcua.integrations.population import get_register

        get_register()
    with pytest.raises(UnknownForm, match="unknown printout form '99'; known: 01, 02"):
        template_for("99")
