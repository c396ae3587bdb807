"""Serving a dossier's files: through a checked view only, never from a public media URL.

The content type is judged from the file's first bytes (PDF, PNG, JPEG, as on upload); those open
in the browser (`inline`) unless a download is asked for, anything else is an `attachment` of type
`application/octet-stream`. The file name in Content-Disposition is built by us in ASCII (the
dossier code, the document id, the folded name), never the stored or uploaded name.

With DOCUMENTS_X_ACCEL_REDIRECT on (production behind nginx, deploy/nginx/motcua.conf) the checked
view answers with the same headers and an empty body carrying `X-Accel-Redirect:
<DOCUMENTS_X_ACCEL_PREFIX><storage name>`: nginx sends the bytes from its internal location, and no
Python worker is held for the length of a download. Files in a storage without local paths
(object storage) are streamed as before.
"""
import re
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse
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


def x_accel_path(field) -> str | None:
    """The internal URI nginx serves the field's file from, or None when it is not to be used."""
    if not getattr(settings, "DOCUMENTS_X_ACCEL_REDIRECT", False):
        return None
    try:
        field.storage.path(field.name)  # local files only; object storage has no path
    except NotImplementedError:
        return None
    prefix = getattr(settings, "DOCUMENTS_X_ACCEL_PREFIX", "/_protected/media/").rstrip("/") + "/"
    return prefix + quote(field.name.lstrip("/"), safe="/")


def file_response(handle, content_type: str | None, filename: str, *, download: bool = False,
                  field=None) -> HttpResponse:
    inline = content_type is not None and not download
    internal = x_accel_path(field) if field is not None else None
    if internal is not None:
        handle.close()
        response = HttpResponse(content_type=content_type or "application/octet-stream")
        # The same Content-Disposition FileResponse writes (ASCII names, see download_name).
        response["Content-Disposition"] = f'{"inline" if inline else "attachment"}; filename="{filename}"'
        response["X-Accel-Redirect"] = internal
    else:
        response = FileResponse(handle, as_attachment=not inline, filename=filename,
                                content_type=content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
