"""Finding the procedure at the counter: diacritics-insensitive search over the catalogue."""
from django.db.models import Q

from motcua.catalog.models import ProcedureCase, ProcedureVersion, RequiredDocument
from motcua.core.text import fold
from motcua.organization.permissions import scope_of

SEARCH_LIMIT = 20


def receivable_versions(user):
    """Published versions that the officer may receive: their agency receives or decides them,
    or the procedure is boundary-free (any service point of the province may receive it)."""
    agencies = scope_of(user).agencies("dossier.receive")
    return (
        ProcedureVersion.objects.filter(status=ProcedureVersion.Status.PUBLISHED, accepts_counter=True)
        .filter(
            Q(receiving_agencies__in=agencies) | Q(competent_agencies__in=agencies) | Q(is_boundary_free=True)
        )
        .distinct()
    )


def search_procedures(user, query: str):
    """"khai sinh" finds "Đăng ký khai sinh": every folded word must occur in the folded text."""
    words = fold(query).split()
    if not words:
        return ProcedureVersion.objects.none()
    versions = receivable_versions(user)
    for word in words:
        versions = versions.filter(search_text__contains=word)
    return versions.select_related("procedure", "field").order_by("name")[:SEARCH_LIMIT]


def find_version(user, procedure_code: str):
    """The published version of a procedure the officer may receive, or None."""
    if not procedure_code:
        return None
    return (
        receivable_versions(user)
        .select_related("procedure", "field")
        .filter(procedure__code=procedure_code)
        .first()
    )


def find_case(version, case_code: str):
    if not case_code:
        return None
    return ProcedureCase.objects.filter(version=version, code=case_code).first()


def checklist(version, case):
    """The documents to bring: those of every case, plus those of the chosen case."""
    documents = RequiredDocument.objects.filter(version=version)
    if case is None:
        documents = documents.filter(case__isnull=True)
    else:
        documents = documents.filter(Q(case__isnull=True) | Q(case=case))
    return list(documents.order_by("order", "pk"))
