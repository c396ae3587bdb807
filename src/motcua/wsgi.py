import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
application = get_wsgi_application()

# The display boards poll every 2 seconds: an unchanged board is answered before Django's stack
# (docs/queueing.md, queueing/board_cache.py).
from motcua.queueing.board_cache import BoardShortcut  # noqa: E402  (after the app registry is ready)

application = BoardShortcut(application)
