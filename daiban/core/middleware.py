import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils import translation
from django.utils.translation import check_for_language

API_PREFIXES = ("/api/", "/open311/")


class LanguageMiddleware:
    """Chinese unless the person chose otherwise (the language cookie).

    Browsers' Accept-Language is ignored on purpose: a county's shared office PCs and
    cheap phones often say English while everyone reads Chinese.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if request.path.startswith(API_PREFIXES):
            # Machines say what they want: the API answers in the Accept-Language asked for.
            chosen = translation.get_language_from_request(request)
        language = chosen if chosen and check_for_language(chosen) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response


class SessionRenewalMiddleware:
    """The idle time-out without a session write on every page.

    A session ends SESSION_COOKIE_AGE after it was last saved. Saving it on every
    request (SESSION_SAVE_EVERY_REQUEST) cost an UPDATE per page; this saves a signed-in
    session at most once per RENEW_SECONDS instead, so it ends between
    SESSION_COOKIE_AGE − RENEW_SECONDS and SESSION_COOKIE_AGE after the last request.
    Sessions with nothing in them (the public pages) are never written.
    """

    KEY = "_renewed"
    RENEW_SECONDS = 60

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or response.status_code >= 500:
            return response
        now = int(time.time())
        last = session.get(self.KEY)
        if session.modified or not isinstance(last, int) or now - last >= self.RENEW_SECONDS:
            session[self.KEY] = now
        return response
