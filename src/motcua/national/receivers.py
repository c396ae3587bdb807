"""The outbox is filled in the same transaction as each dossier event (post_save, not on_commit:
an on_commit hook is lost if the process dies between the commit and the hook)."""
from django.db.models.signals import post_save
from django.dispatch import receiver

from motcua.dossiers.models import DossierEvent

from . import services


@receiver(post_save, sender=DossierEvent, dispatch_uid="national_outbox")
def queue_event(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.enqueue(instance)
