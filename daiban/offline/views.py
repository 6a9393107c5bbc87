"""The agent's phone with no signal (issue 21): the installable shell, its service worker,
the snapshot it keeps, and a logout that wipes them."""

import json

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from daiban.offline import selectors, texts

# Bump when the shell's files change in a way the cached copies must not survive.
SHELL_VERSION = "1"
SHELL_URL = "/offline/"


@require_GET
@login_required
def shell(request):
    if not selectors.may_work_offline(request.user):
        raise Http404
    context = {
        "texts": texts.shell_texts(),
        "idle_seconds": settings.SESSION_COOKIE_AGE,
        "max_days": settings.DAIBAN_OFFLINE_MAX_DAYS,
        "follow_up_methods": texts.follow_up_methods(),
    }
    response = render(request, "offline/shell.html", context)
    # The service worker keeps this page only in the cache of the user it names.
    response["X-Daiban-User"] = str(request.user.pk)
    response["Cache-Control"] = "private, no-cache"
    return response


@require_GET
@login_required
def snapshot(request):
    if not selectors.may_work_offline(request.user):
        raise Http404
    # Chinese as itself, not as escapes: half the bytes on a village phone line.
    response = JsonResponse(
        selectors.snapshot(request.user),
        encoder=DjangoJSONEncoder,
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def manifest(request):
    data = {
        "name": _("Daiban · village agent"),
        "short_name": _("Daiban"),
        "lang": request.LANGUAGE_CODE,
        "start_url": SHELL_URL,
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b71c1c",
        "icons": [
            {"src": static("offline/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("offline/icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False), content_type="application/manifest+json"
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def service_worker(request):
    """Served from the root so that its scope covers the agent's pages. It holds no
    personal data: which user's cache to use comes in its address (?u=)."""
    assets = [
        SHELL_URL,
        static("daiban.css"),
        static("offline/idb.js"),
        static("offline/shell.js"),
        static("offline/page.js"),
    ]
    body = render(
        request,
        "offline/sw.js",
        {"assets": json.dumps(assets), "version": json.dumps(SHELL_VERSION), "shell": SHELL_URL},
        content_type="text/javascript",
    )
    body["Cache-Control"] = "no-cache"
    return body


class LogoutView(auth_views.LogoutView):
    """Django's logout, plus Clear-Site-Data: the browser drops this site's caches, its
    IndexedDB and its service worker, so nothing of the agent stays on the phone."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
