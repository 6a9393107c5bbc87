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
