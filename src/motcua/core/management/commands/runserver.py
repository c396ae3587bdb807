"""`runserver` that links to itself: once bound, the development server becomes SITE_URL (unless
SITE_URL is set in the environment), so SMS, form 01's QR code and the rating links of
`runserver 8077` point at port 8077. Static files are served as by Django's staticfiles runserver.

`motcua.core` is listed before `django.contrib.staticfiles` in INSTALLED_APPS so that this
command is the one `manage.py runserver` finds.
"""
from django.contrib.staticfiles.management.commands.runserver import Command as StaticfilesRunserver

from motcua.core.site import adopt_development_server


class Command(StaticfilesRunserver):
    def on_bind(self, server_port):
        super().on_bind(server_port)
        url = adopt_development_server(self.addr, server_port, ipv6=self._raw_ipv6, protocol=self.protocol)
        if url:
            self.stdout.write(f"SITE_URL={url} (links in SMS, e-mail and printouts)")
