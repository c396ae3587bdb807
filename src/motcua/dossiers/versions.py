"""Optimistic locking of a dossier through the API: every call that changes a dossier carries the
version the client was shown (`version` or `expected_version` in the body, or the If-Match header).

Without one the call answers 428 (code `version_required`) and changes nothing; with a stale one
the command answers 409 (code `stale`). Used by the dossier actions (`api.py`) and by the documents
app's digitise endpoint.
"""
import re

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from motcua.core.api import error_responses

from .services import DossierActionError

_IF_MATCH = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')

VERSION_PARAMETERS = [OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=False,
    description="The dossier's version as last read (e.g. \"12\"), instead of the `version` field. A call "
                "without a version answers 428 (code version_required); with a stale one 409 (code stale).")]
VERSION_RESPONSES = error_responses({
    409: "The status does not allow it (code not_allowed), or the version is stale (code stale)",
    428: "No version was sent (code version_required): read the dossier, then send its `version` field or "
         "an If-Match header",
})


class VersionInputSerializer(serializers.Serializer):
    """The version fields every changing call takes (one of them, or the If-Match header, is required)."""

    version = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                       help_text="Required (or expected_version, or the If-Match header): the "
                                                 "dossier's `version` as last read; a stale one answers 409")
    expected_version = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                                help_text="The same as `version` (older name)")


def shown_version(request, data: dict) -> int:
    """The version the client was shown: `version`, `expected_version` or If-Match, else 428."""
    for key in ("version", "expected_version"):
        if data.get(key) is not None:
            return int(data[key])
    header = request.headers.get("If-Match")
    if header:
        match = _IF_MATCH.match(header)
        if match is None:
            raise DossierActionError("invalid", _("The If-Match header must be the dossier's version, e.g. \"12\"."))
        return int(match.group(1))
    raise DossierActionError(
        "version_required",
        _("Send the dossier's version as you last read it (field version or header If-Match): an action "
          "without it could overwrite someone else's change."))
