"""Language choice: Vietnamese unless the user asks for English.

A page asks with ?lang=en (remembered in a cookie); an API client may also send
Accept-Language. The browser's own Accept-Language does not switch pages away from Vietnamese,
since officers' machines are often set up in English.
"""
from django.conf import settings
from django.utils import translation

from .limits import max_total_bytes

COOKIE = "motcua_lang"
SUPPORTED = {code for code, _ in settings.LANGUAGES}


def _from_accept_language(header: str) -> str | None:
    for part in header.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in SUPPORTED:
            return code
    return None


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        asked = request.GET.get("lang")
        if "lang" in request.GET:
            # Consumed here: views such as the admin change lists treat unknown parameters as filters.
            query = request.GET.copy()
            del query["lang"]
            request.GET = query
        language = asked if asked in SUPPORTED else None
        if language is None:
            cookie = request.COOKIES.get(COOKIE)
            language = cookie if cookie in SUPPORTED else None
        if language is None and request.path.startswith("/api/"):
            language = _from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", ""))
        language = language or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        if asked in SUPPORTED:
            response.set_cookie(COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax")
        translation.deactivate()
        return response


class RequestSizeMiddleware:
    """Refuse an oversized request body from its Content-Length, before anything reads it.

    A multipart body (file uploads) may be up to UPLOAD_MAX_REQUEST_SIZE, by default the upload
    check's total per application plus 1 MB for the form fields and multipart framing
    (core.limits, applied to the files by motcua.documents.uploads); any other body (form, JSON) up to DATA_UPLOAD_MAX_MEMORY_SIZE.
    Over it: 413 with a message in the request's language (JSON for the API, plain text otherwise).
    A body without Content-Length (chunked) is left to Django's own limits, which apply while reading.
    """

    MARGIN = 1024 * 1024

    def __init__(self, get_response):
        self.get_response = get_response

    def limit(self, request) -> int | None:
        if request.META.get("CONTENT_TYPE", "").lower().startswith("multipart/"):
            configured = getattr(settings, "UPLOAD_MAX_REQUEST_SIZE", None)
            if configured:
                return int(configured)
            return max_total_bytes() + self.MARGIN
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = self.limit(request)
        if limit is not None and length > limit:
            return self.refuse(request, limit)
        return self.get_response(request)

    def refuse(self, request, limit: int):
        import json

        from django.http import HttpResponse
        from django.utils.translation import gettext

        language = _language_of(request)
        with translation.override(language):
            message = gettext("The request is too large (at most %(size)s MB); it was not read.") % {
                "size": f"{limit / (1024 * 1024):.1f}".removesuffix(".0")}
        if request.path.startswith("/api/"):
            response = HttpResponse(json.dumps({"detail": message, "code": "too_large"}, ensure_ascii=False),
                                    status=413, content_type="application/json; charset=utf-8")
        else:
            response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        response["Content-Language"] = language
        return response


def _language_of(request) -> str:
    """The language LanguageMiddleware would choose (this middleware runs before it)."""
    asked = request.GET.get("lang")
    if asked in SUPPORTED:
        return asked
    cookie = request.COOKIES.get(COOKIE)
    if cookie in SUPPORTED:
        return cookie
    if request.path.startswith("/api/"):
        return _from_accept_language(request.META.get("HTTP_ACCEPT_LANGUAGE", "")) or settings.LANGUAGE_CODE
    return settings.LANGUAGE_CODE
