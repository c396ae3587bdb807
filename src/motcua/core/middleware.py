"""Language choice: Vietnamese unless the user asks for English.

A page asks with ?lang=en (remembered in a cookie); an API client may also send
Accept-Language. The browser's own Accept-Language does not switch pages away from Vietnamese,
since officers' machines are often set up in English.
"""
from django.conf import settings
from django.utils import translation

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
