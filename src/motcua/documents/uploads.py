"""Checks on an uploaded file before anything is stored: its type from the content's first bytes
(never the name or the browser's content type), the per-file and total size limits, and a
pluggable virus scan.

Every point where a file comes in goes through `check_upload` (portal application and
supplement, the data store, the counter's digitise page and API, the result on the resolve form
and API): the engine's commands that store a file (`resolve`, `digitise_document`, a document
dict with a file) call `ensure_checked`, which checks anything not already checked here.

The stored name is never the uploaded one: `stored_name` is the name folded to ASCII, at most
STORED_NAME_MAX characters, with the extension of the content; the uploaded name stays in
`CheckedFile.name` (the draft keeps it as `original_name`). So a 250-character name fits every
FileField (100 characters by default) on PostgreSQL.

Settings (all optional):
- UPLOAD_MAX_FILE_BYTES (default 10 MB), UPLOAD_MAX_TOTAL_BYTES (default 30 MB per application);
- UPLOAD_SCANNER: dotted path of `scanner(data: bytes, name: str) -> str | None`, returning the
  name of what was found or None when clean. The default only recognises the EICAR test string;
  plug a real engine (e.g. clamd) in production.
"""
import logging
import os
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.utils.module_loading import import_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

# The size limits live in core: the request size middleware refuses an oversized body with them.
from motcua.core.limits import MB, max_file_bytes, max_total_bytes  # noqa: F401
from motcua.core.text import fold

logger = logging.getLogger(__name__)

# Signature -> (content type, extensions it may carry).
SIGNATURES = [
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
]
LABELS = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}
STORED_NAME_MAX = 60
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@dataclass(frozen=True)
class CheckedFile:
    name: str  # as uploaded (at most 200 characters), for the person's eyes
    content_type: str
    size: int
    data: bytes

    @property
    def stored_name(self) -> str:
        return stored_name(self.name, self.content_type)


class CheckedContentFile(ContentFile):
    """The content of a checked upload, under its safe stored name: what the engine stores."""

    def __init__(self, checked: CheckedFile):
        super().__init__(checked.data, name=checked.stored_name)
        self.checked = checked


def stored_name(name: str, content_type: str | None = None) -> str:
    """A short ASCII file name for the storage: the folded stem and the content's extension."""
    stem, _dot, tail = (name or "").rpartition(".")
    stem = stem or tail
    extension = next((ext[0] for _m, ctype, ext in SIGNATURES if ctype == content_type), "")
    if not extension:
        extension = f".{tail.lower()}" if _dot and tail.isalnum() and len(tail) <= 5 else ""
    base = slugify(fold(stem))[: STORED_NAME_MAX - len(extension)].strip("-_") or "tep"
    return base + extension


def checked_content(checked: CheckedFile) -> CheckedContentFile:
    return CheckedContentFile(checked)


def ensure_checked(upload) -> File:
    """What the engine stores for a file it is given: a checked upload as it is, anything else
    through `check_upload` first (raises ValidationError with the person's message)."""
    if isinstance(upload, CheckedContentFile):
        return upload
    return CheckedContentFile(check_upload(upload))


def sniff(data: bytes) -> str | None:
    """The content type told by the first bytes, or None if it is none of PDF, PNG, JPEG."""
    for magic, content_type, _extensions in SIGNATURES:
        if data.startswith(magic):
            return content_type
    return None


def eicar_scanner(data: bytes, name: str) -> str | None:
    """The default scanner: finds only the EICAR anti-virus test string."""
    return "EICAR-Test-File" if EICAR in data else None


def scan(data: bytes, name: str) -> str | None:
    scanner = import_string(getattr(settings, "UPLOAD_SCANNER", "motcua.documents.uploads.eicar_scanner"))
    return scanner(data, name)


def _megabytes(n: int) -> str:
    return f"{n / MB:.0f}" if n >= MB else f"{n / MB:.2f}"


def _shortened(name: str, limit: int) -> str:
    """At most `limit` characters, keeping the extension (the check judges it)."""
    if len(name) <= limit:
        return name
    stem, extension = os.path.splitext(name)
    extension = extension[:10]
    return stem[: limit - len(extension)] + extension


def check_upload(upload) -> CheckedFile:
    """Validate one uploaded file; raise ValidationError with a message for the person."""
    name = _shortened((getattr(upload, "name", "") or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1], 200)
    size = getattr(upload, "size", None)
    limit = max_file_bytes()
    if size is not None and size > limit:
        raise ValidationError(
            _("%(name)s is too large (%(size)s MB); the limit is %(limit)s MB per file.")
            % {"name": name, "size": _megabytes(size), "limit": _megabytes(limit)}, code="too_large")
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError(
            _("%(name)s is too large; the limit is %(limit)s MB per file.")
            % {"name": name, "limit": _megabytes(limit)}, code="too_large")
    if not data:
        raise ValidationError(_("%(name)s is empty.") % {"name": name}, code="empty")
    content_type = sniff(data)
    if content_type is None:
        raise ValidationError(
            _("%(name)s is not a PDF, JPEG or PNG file (judged from its content). Only these types are accepted.")
            % {"name": name}, code="bad_type")
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    allowed = next(ext for _magic, ctype, ext in SIGNATURES if ctype == content_type)
    if extension not in allowed:
        raise ValidationError(
            _("The content of %(name)s is a %(actual)s file, which does not match its name. "
              "Rename it or choose the right file.") % {"name": name, "actual": LABELS[content_type]},
            code="mismatch")
    found = scan(data, name)
    if found:
        raise ValidationError(
            _("%(name)s was rejected by the virus scan (%(found)s).") % {"name": name, "found": found},
            code="infected")
    return CheckedFile(name=name, content_type=content_type, size=len(data), data=data)


def check_total(sizes) -> None:
    total, limit = sum(sizes), max_total_bytes()
    if total > limit:
        raise ValidationError(
            _("The files together are too large (%(size)s MB); the limit is %(limit)s MB.")
            % {"size": _megabytes(total), "limit": _megabytes(limit)}, code="total_too_large")


def fit_stored_name(name: str, max_length: int, storage=None) -> str:
    """A stored file's name for a FileField of `max_length`: the same when it fits, else a copy
    of the file under a short name in the same folder (names stored before they were shortened)."""
    if len(name) <= max_length:
        return name
    from django.core.files.storage import default_storage

    storage = storage or default_storage
    folder, base = os.path.split(name)
    short = os.path.join(folder, stored_name(base))
    with storage.open(name, "rb") as handle:
        return storage.save(short, File(handle), max_length=max_length)


def referenced(name: str) -> bool:
    """Whether any file field of any model still holds this stored name."""
    from django.apps import apps
    from django.db.models import FileField

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, FileField) and model._default_manager.filter(**{field.name: name}).exists():
                return True
    return False


def discard_if_unreferenced(name: str, storage=None) -> bool:
    """Delete a replaced file from the storage once nothing refers to it (call after the commit
    that replaced it). A re-used file (the same name in a data store or another dossier) stays."""
    from django.core.files.storage import default_storage

    storage = storage or default_storage
    if not name or referenced(name):
        return False
    try:
        storage.delete(name)
    except OSError:
        logger.exception("could not delete the replaced file %s", name)
        return False
    return True
