from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo province "Tỉnh Sông Mây": its loader (`load_demo`) and the demo logins
    (`demo_logins`). The top layer: it uses every app, and no app uses it."""

    name = "motcua.demo"
    label = "demo"
    verbose_name = _("Demo province")
