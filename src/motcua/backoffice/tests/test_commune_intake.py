"""A commune's counter receives a commune-level dossier for its own commune, not the first one."""
import pytest

from motcua.backoffice.form_commands import competent_agency_for
from motcua.portal.tests.test_apply_where import communes  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_receiving_commune_is_the_competent_one(communes):  # noqa: F811
    first, second, third = communes["agencies"]
    for agency in (first, second, third):
        assert competent_agency_for(communes["local"], agency) == agency
    assert competent_agency_for(communes["local"], None) is None
    # An agency that is not competent (a department) leaves the choice to the engine.
    from motcua.organization.models import Agency

    assert competent_agency_for(communes["local"], Agency.objects.get(code="000.00.11.H99")) is None
