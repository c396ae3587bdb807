"""motcua: the one-stop administrative procedure service of a Vietnamese province."""
from .celery import app as celery_app

__all__ = ["celery_app"]
