"""Every electronic result lands in its owner's store, after the `resolve` commits."""
from django.dispatch import receiver

from motcua.dossiers.signals import dossier_event_committed

from . import services


@receiver(dossier_event_committed, dispatch_uid="documents.store_electronic_result")
def file_electronic_result(sender, event=None, **kwargs):
    if event is None or event.kind != "resolve" or not event.payload.get("has_file"):
        return
    from motcua.dossiers.models import Dossier

    dossier = Dossier.objects.select_related("procedure_version", "competent_agency", "account").get(
        pk=event.dossier_id
    )
    services.store_result(dossier)
