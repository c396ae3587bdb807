"""Serving a dossier's files: through a checked view only, never from a public media URL.

The content type is judged from the file's first bytes (PDF, PNG, JPEG, as on upload); those open
in the browser (`inline`) unless a download is asked for, anything else is an `attachment` of type
`application/octet-stream`. The file name in Content-Disposition is built by us in ASCII (the
dossier code, the document id, the folded name), never the stored or uploaded name.
"""
import re

from django.http import FileResponse, Http404
from django.utils.text import slugify
from django.utils.translation import gettext as _

from motcua.core.storage import StorageUnavailable
from motcua.core.text import fold

from .uploads import SIGNATURES, sniff

EXTENSIONS = {content_type: extensions[0] for _magic, content_type, extensions in SIGNATURES}


def open_file(field):
    """The opened file and its content type (None when it is none of PDF, PNG, JPEG); 404 when the
    storage has lost it, StorageUnavailable (503) when the storage cannot be reached."""
    try:
        handle = field.open("rb")
    except StorageUnavailable:
        raise  # the store is down: 503 (core.storage.StorageMiddleware), not "no such file"
    except (OSError, ValueError):
        raise Http404(_("The file is not available.")) from None
    head = handle.read(16)
    handle.seek(0)
    return handle, sniff(head)


def download_name(stem: str, content_type: str | None, stored_name: str) -> str:
    """`stem` folded to ASCII, with the extension of the content (else the stored name's, if plain)."""
    base = slugify(fold(stem))[:80].strip("-") or "tep"
    extension = EXTENSIONS.get(content_type)
    if extension is None:
        tail = stored_name.rsplit(".", 1)[-1].lower() if "." in stored_name else ""
        extension = f".{tail}" if re.fullmatch(r"[a-z0-9]{1,5}", tail) else ".bin"
    return base + extension


def file_response(handle, content_type: str | None, filename: str, *, download: bool = False) -> FileResponse:
    inline = content_type is not None and not download
    response = FileResponse(handle, as_attachment=not inline, filename=filename,
                            content_type=content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
