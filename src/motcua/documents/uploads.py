"""Checks on an uploaded file before anything is stored: its type from the content's first bytes
(never the name or the browser's content type), the per-file and total size limits, and a
pluggable virus scan.

Settings (all optional):
- UPLOAD_MAX_FILE_BYTES (default 10 MB), UPLOAD_MAX_TOTAL_BYTES (default 30 MB per application);
- UPLOAD_SCANNER: dotted path of `scanner(data: bytes, name: str) -> str | None`, returning the
  name of what was found or None when clean. The default only recognises the EICAR test string;
  plug a real engine (e.g. clamd) in production.
"""
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

MB = 1024 * 1024

# Signature -> (content type, extensions it may carry).
SIGNATURES = [
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
]
LABELS = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@dataclass(frozen=True)
class CheckedFile:
    name: str
    content_type: str
    size: int
    data: bytes


def max_file_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_FILE_BYTES", 10 * MB))


def max_total_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_TOTAL_BYTES", 30 * MB))


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


def check_upload(upload) -> CheckedFile:
    """Validate one uploaded file; raise ValidationError with a message for the person."""
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200]
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
