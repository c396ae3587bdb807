"""Where uploaded and generated files live: the local folder MEDIA_ROOT by default, an
S3-compatible object store in production (STORAGE_BACKEND=s3, docs/running.md "Files").

Every file goes through Django's storage API (FileField, `default_storage`); these two storages
add what the project needs on top of Django's and django-storages' own:

- A storage that cannot be reached (the object store down, a full or read-only disk) raises
  `StorageUnavailable`; `StorageMiddleware` answers it with 503 and a message in the request's
  language, and the transaction that was storing the file rolls back, so no row names a file that
  was not stored.
- A file stored during a request that no row names once the request is over (its transaction
  rolled back, the form was refused after the file went in) is deleted at the end of the request,
  so no file is left without its row (`saved_files`, `discard_unreferenced`).
- On S3 two app nodes saving "don.pdf" into the same folder at the same moment cannot overwrite
  each other: every stored name gets a random suffix, decided without asking the store (asking
  "does it exist?" first is a race between nodes). The local storage keeps Django's exclusive
  create, which is safe between processes on one disk.
"""
from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import os
from contextlib import contextmanager

from django.core.files.storage import FileSystemStorage
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class StorageUnavailable(OSError):
    """The file storage cannot be reached or refused to store: try again later (503)."""


_saved: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("motcua_saved_files", default=None)


def _track(name: str) -> None:
    saved = _saved.get()
    if saved is not None:
        saved.append(name)


@contextmanager
def saved_files():
    """Collect the names stored (in this thread) while the block runs."""
    names: list[str] = []
    token = _saved.set(names)
    try:
        yield names
    finally:
        _saved.reset(token)


def named_files() -> set[str]:
    """Every stored name that a row holds, over every file field of every model."""
    from django.apps import apps
    from django.db.models import FileField

    names = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, FileField):
                names |= set(model._default_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True))
    return names


def is_referenced(name: str) -> bool:
    """Whether any file field of any model holds this stored name."""
    from django.apps import apps
    from django.db.models import FileField

    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, FileField) and model._default_manager.filter(**{field.name: name}).exists():
                return True
    return False


def discard_unreferenced(names, storage=None) -> list[str]:
    """Delete those of `names` that no row names (call once their transactions are over); the
    names deleted. A storage that fails here is logged: the file stays, the answer goes out."""
    from django.core.files.storage import default_storage

    storage = storage or default_storage
    deleted = []
    for name in dict.fromkeys(names):
        try:
            if not is_referenced(name):
                storage.delete(name)
                deleted.append(name)
        except Exception:  # noqa: BLE001 - cleaning up must not turn an answer into an error
            logger.exception("could not delete the unreferenced file %s", name)
    if deleted:
        logger.warning("deleted %d stored file(s) that no row names: %s", len(deleted), ", ".join(deleted))
    return deleted


class LocalStorage(FileSystemStorage):
    """MEDIA_ROOT on the local disk (one machine, or a shared mount)."""

    def _save(self, name, content):
        try:
            name = super()._save(name, content)
        except OSError as exc:
            raise StorageUnavailable(str(exc)) from exc
        _track(name)
        return name

    def _open(self, name, mode="rb"):
        try:
            return super()._open(name, mode)
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise
        except OSError as exc:
            raise StorageUnavailable(str(exc)) from exc


def _s3_storage_class():
    from botocore.exceptions import BotoCoreError, ClientError
    from storages.backends.s3 import S3File, S3Storage

    def unavailable(exc: Exception) -> Exception:
        if isinstance(exc, ClientError) and exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
            return FileNotFoundError(str(exc))
        return StorageUnavailable(str(exc))

    @contextlib.contextmanager
    def store_errors():
        """boto's errors as the app's: a missing file (404) or a store that is down (503)."""
        try:
            yield
        except (BotoCoreError, ClientError) as exc:
            raise unavailable(exc) from exc

    class CheckedS3File(S3File):
        """django-storages' S3 file, whose errors say whether the store is down (503) or the file
        is missing (404)."""

        @property
        def file(self):
            with store_errors():
                return S3File.file.fget(self)

        @file.setter
        def file(self, value):
            S3File.file.fset(self, value)

    class ObjectStorage(S3Storage):
        file_class = CheckedS3File

        def get_available_name(self, name, max_length=None):
            folder, base = os.path.split(name.replace("\\", "/"))
            stem, extension = os.path.splitext(self.get_valid_name(base))
            suffix = "_" + get_random_string(10)
            if max_length is not None:
                room = max_length - len(folder) - 1 - len(suffix) - len(extension)
                if room < 1:
                    raise ValueError(f"no room for a unique file name within {max_length} characters: {name}")
                stem = stem[:room]
            return os.path.join(folder, stem + suffix + extension)

        def _save(self, name, content):
            try:
                name = super()._save(name, content)
            except (BotoCoreError, ClientError) as exc:
                raise StorageUnavailable(str(exc)) from exc
            _track(name)
            return name

        def _open(self, name, mode="rb"):
            with store_errors():
                handle = super()._open(name, mode)
                if "r" in mode:
                    handle.file  # noqa: B018 - fetch now, so that a missing file or a down store shows here
                return handle

        def exists(self, name):
            with store_errors():
                return super().exists(name)

        def delete(self, name):
            with store_errors():
                return super().delete(name)

        def size(self, name):
            with store_errors():
                return super().size(name)

    return ObjectStorage


def __getattr__(name):
    # `ObjectStorage` is built on first use, so that boto3 is imported only where S3 is used.
    if name == "ObjectStorage":
        cls = _s3_storage_class()
        globals()["ObjectStorage"] = cls
        return cls
    raise AttributeError(name)


def s3_options(env=os.environ) -> dict:
    """The S3 storage's options from the environment (docs/running.md)."""
    from botocore.config import Config

    bucket = env.get("S3_BUCKET", "")
    if not bucket:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("STORAGE_BACKEND=s3 needs S3_BUCKET (and S3_ENDPOINT_URL for a store that is not AWS).")
    return {
        "bucket_name": bucket,
        "endpoint_url": env.get("S3_ENDPOINT_URL") or None,
        "region_name": env.get("S3_REGION") or None,
        "access_key": env.get("S3_ACCESS_KEY_ID") or None,
        "secret_key": env.get("S3_SECRET_ACCESS_KEY") or None,
        "location": env.get("S3_PREFIX", "").strip("/"),
        "addressing_style": env.get("S3_ADDRESSING_STYLE", "path"),
        "signature_version": "s3v4",
        "default_acl": None,
        "querystring_auth": True,
        "file_overwrite": False,
        # A store that is down answers within seconds (503), not after boto3's minute of retries.
        "client_config": Config(
            connect_timeout=float(env.get("S3_CONNECT_TIMEOUT", "3")),
            read_timeout=float(env.get("S3_READ_TIMEOUT", "20")),
            retries={"max_attempts": int(env.get("S3_MAX_ATTEMPTS", "2")), "mode": "standard"},
        ),
    }


def unavailable_response(request):
    from django.http import HttpResponse
    from django.template.loader import render_to_string

    message = _("The file storage cannot be reached right now; nothing was saved. Please try again in a few minutes.")
    if request.path.startswith("/api/"):
        return HttpResponse(json.dumps({"detail": message, "code": "storage_unavailable"}, ensure_ascii=False),
                            status=503, content_type="application/json; charset=utf-8", headers={"Retry-After": "60"})
    html = render_to_string("core/storage_unavailable.html", {"message": message}, request=request)
    return HttpResponse(html, status=503, headers={"Retry-After": "60"})


class StorageMiddleware:
    """Collects the files stored while a request runs and deletes those no row names at its end;
    answers a storage that cannot be reached with 503 and a message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with saved_files() as names:
            response = self.get_response(request)
        if names:
            discard_unreferenced(names)
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, StorageUnavailable):
            logger.error("file storage unavailable on %s %s: %s", request.method, request.path, exception)
            return unavailable_response(request)
        return None
