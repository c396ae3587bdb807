"""Size limits on uploaded files, read from the settings at each call (so tests may change them).

UPLOAD_MAX_FILE_BYTES (default 10 MB) per file and UPLOAD_MAX_TOTAL_BYTES (default 30 MB) per
application. The upload check (`motcua.documents.uploads`) applies them to the files; the request
size middleware (`core.middleware`) refuses a multipart body over the total (plus a margin) before
reading it. They live here, in the lowest layer, because both use them.
"""
from django.conf import settings

MB = 1024 * 1024


def max_file_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_FILE_BYTES", 10 * MB))


def max_total_bytes() -> int:
    return int(getattr(settings, "UPLOAD_MAX_TOTAL_BYTES", 30 * MB))
