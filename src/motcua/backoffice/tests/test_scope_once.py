"""One counter intake request asks for the officer's scope once: the procedure search, the
receiving agency, the service point, the form commands, the permission check and the selectors all read
the same `organization.permissions.scope_of(user)`."""
import pytest

from motcua.backoffice import form_commands, procedures
from motcua.dossiers import selectors, services
from motcua.organization import permissions
from motcua.organization.models import Role, RoleAssignment
from motcua.organization.tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_scope_is_computed_once_for_everything_an_intake_asks(monkeypatch):
    justice = f.agency(name="Sở Tư pháp")
    officer = f.user()
    RoleAssignment.objects.create(user=officer, role=Role.COUNTER_OFFICER, agency=justice)
    computed = []
    original = permissions.Scope.of.__func__

    def counting(cls, user):
        computed.append(user.pk)
        return original(cls, user)

    monkeypatch.setattr(permissions.Scope, "of", classmethod(counting))
    list(procedures.search_procedures(officer, "khai sinh"))
    form_commands.suggested_competent_agency(officer, [justice])
    form_commands.service_point_for(officer, justice)
    assert services.agency_ids_with(officer, "dossier.receive") == {justice.pk}
    list(selectors.dossiers_visible_to(officer))
    selectors.queue_tab_counts(officer)
    assert computed == [officer.pk]
