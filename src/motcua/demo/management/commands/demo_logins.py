"""Print the demo accounts: `manage.py demo_logins` (username, role, agency or service point)."""
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from motcua.core.site import site_url
from motcua.demo.dossiers import DEMO_CITIZENS
from motcua.demo.province import DEMO_PASSWORD, STAFF
from motcua.organization.models import RoleAssignment


def demo_login_rows() -> list[tuple[str, str, str]]:
    """(username, roles, scope) for each demo account present in the database, in the demo's order."""
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=[s.username for s in STAFF])}
    rows = []
    for spec in STAFF:
        user = users.get(spec.username)
        if user is None:
            continue
        if user.is_superuser:
            rows.append((user.username, _("System administrator (superuser)"), _("Whole system")))
            continue
        assignments = RoleAssignment.objects.filter(user=user).select_related("agency", "service_point")
        roles, scopes = [], []
        for assignment in assignments:
            label = str(assignment.get_role_display())
            scope = assignment.agency or assignment.service_point
            scope = scope.short_name or scope.name if assignment.agency else (scope.name if scope else _("Whole province"))
            if label not in roles:
                roles.append(label)
            if scope not in scopes:
                scopes.append(scope)
        rows.append((user.username, ", ".join(roles), "; ".join(scopes)))
    return rows + citizen_login_rows()


CITIZEN_LOGIN_URL = "/tai-khoan/dang-nhap/"  # the portal's sign-in page (portal.apply.CITIZEN_LOGIN_URL)


def citizen_login_rows() -> list[tuple[str, str, str]]:
    """(phone, role, name and commune) for each demo citizen account present: they sign in on the
    portal with the phone number (or the e-mail) and the same demo password."""
    try:
        from motcua.accounts.models import CitizenAccount
    except ImportError:  # the accounts app is optional
        return []
    present = set(CitizenAccount.objects.filter(phone__in=[c.phone for c in DEMO_CITIZENS]).values_list("phone", flat=True))
    return [(c.phone, _("Citizen (portal account)"), f"{c.full_name} · {c.commune}")
            for c in DEMO_CITIZENS if c.phone in present]


class Command(BaseCommand):
    help = "Print the demo accounts with their role and agency or service point."

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            rows = demo_login_rows()
            if not rows:
                self.stdout.write(_("No demo accounts. Create them with: manage.py load_demo --demo"))
                return
            header = (_("Login name"), _("Role"), _("Agency / service point"))
            widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(3)]
            line = "  ".join("-" * w for w in widths)
            self.stdout.write(_("Demo accounts (password for all: %(password)s)") % {"password": DEMO_PASSWORD})
            self.stdout.write(line)
            for row in [header, None, *rows]:
                if row is None:
                    self.stdout.write(line)
                    continue
                self.stdout.write("  ".join(str(value).ljust(w) for value, w in zip(row, widths)).rstrip())
            self.stdout.write(line)
            site = site_url()
            try:
                officers = reverse("backoffice:login")
            except NoReverseMatch:  # the back office is optional
                officers = None
            if officers:
                self.stdout.write(_("Officers sign in at %(url)s") % {"url": site + officers})
            if citizen_login_rows():
                self.stdout.write(_("Citizens sign in with their phone number at %(url)s") % {
                    "url": site + CITIZEN_LOGIN_URL})
            self.stdout.write(_("Administration: %(url)s") % {"url": site + reverse("admin:index")})
