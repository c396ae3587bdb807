"""System checks of the core app (registered in `CoreConfig.ready`).

`motcua.E010`: a simulator (payment gateway, SMS or e-mail provider, population register, ...) is
selected where simulators may not run (`motcua.core.simulators`): with DEBUG off and no
`MOTCUA_ALLOW_SIMULATORS_IN_PRODUCTION=1`, or with ALLOW_SIMULATORS off. An Error, so that
`manage.py check --deploy` (and every management command that runs the checks) fails.
"""
from django.conf import settings
from django.core import checks
from django.utils.module_loading import import_string

from .simulators import OVERRIDE_ENV, refusal, simulators_allowed

# Where each plugin family tells which simulators the settings select: callables returning
# [(kind, name), ...]. A future postal, signing or national-service adapter adds its own line.
SIMULATOR_SOURCES = (
    "motcua.payments.gateways.selected_simulators",
    "motcua.notifications.providers.selected_simulators",
    "motcua.integrations.population.base.selected_simulators",
    "motcua.integrations.procedures.base.selected_simulators",
    "motcua.integrations.business.base.selected_simulators",
    "motcua.national.transports.base.selected_simulators",
)


def selected_simulators() -> list[tuple[str, str]]:
    found = []
    for path in getattr(settings, "MOTCUA_SIMULATOR_SOURCES", SIMULATOR_SOURCES):
        found.extend(import_string(path)())
    return found


@checks.register(checks.Tags.security)
def check_simulators(app_configs=None, **kwargs):
    if simulators_allowed():
        return []
    return [
        checks.Error(
            refusal(kind, name),
            hint=(f"Select the real service (docs/running.md, 'Simulators'), or set {OVERRIDE_ENV}=1 "
                  "only on a demonstration installation."),
            id="motcua.E010",
        )
        for kind, name in selected_simulators()
    ]
