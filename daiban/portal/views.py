"""Public pages: no log-in, no JavaScript, nothing personal."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from daiban.catalog.aliases import aliases_of
from daiban.catalog.county import items_for, public_county, settings_for
from daiban.core import throttle
from daiban.core.inputs import safe_next
from daiban.evaluation.bulletins import public as public_bulletins
from daiban.evaluation.bulletins import why
from daiban.people.phone import national
from daiban.places.models import County, Township, Village
from daiban.portal import publicity, selectors, tracking
from daiban.portal.documents import booklet_pdf, poster_pdf

LARGE_COOKIE = "daiban_large_text"


def guide(request):
    """The guide of one county (`?county=` its code, or the only one): the items it offers.
    An installation of several counties with none chosen shows the shared template."""
    q = request.GET.get("q", "").strip()
    county = public_county(request.GET.get("county", ""))
    counties = list(County.objects.all())
    return render(
        request,
        "portal/guide.html",
        {
            "q": q,
            "groups": selectors.guide_groups(q, county),
            "county": county,
            "counties": counties if len(counties) > 1 else None,
        },
    )


def guide_item(request, code):
    county = public_county(request.GET.get("county", ""))
    item = get_object_or_404(items_for(county), code=code)
    return render(
        request,
        "portal/item.html",
        {
            "item": item,
            "materials": item.materials.all(),
            "aliases": aliases_of(item),
            "county": county,
            "here": settings_for(county, item),
        },
    )


def agents(request):
    townships = Township.objects.order_by("code")
    township = townships.filter(code=request.GET.get("township", "")).first()
    villages = township.villages.order_by("code") if township else []
    chosen = request.GET.get("village")
    if township and chosen:
        return redirect("portal:village", code=chosen)
    return render(
        request,
        "portal/agents.html",
        {"townships": townships, "township": township, "villages": villages},
    )


def village(request, code):
    village = get_object_or_404(
        Village.objects.select_related("township__center", "township__county"), code=code
    )
    return render(
        request,
        "portal/village.html",
        {
            "village": village,
            "center": getattr(village.township, "center", None),
            **selectors.agents_of(village),
            "items": selectors.most_used_items(village.township),
            "county": village.township.county,
            "station_phone": national(village.station_phone) if village.station_phone else "",
            "notices": publicity.for_village(village)[:5],
        },
    )


@require_http_methods(["GET", "POST"])
def track(request):
    code = (request.POST.get("code") or request.GET.get("code") or "").strip().upper()
    context = {"code": code}
    if request.method == "POST":
        attempt = throttle.take(request, code)
        if not attempt.allowed:
            context["error"] = throttle.too_many_tries()
            return render(request, "portal/track.html", context, status=429)
        case = selectors.find_for_tracking(code, request.POST.get("digits", ""))
        if case is None:
            context["error"] = throttle.no_match()
            return render(request, "portal/track.html", context, status=404)
        attempt.was_right()
        context["progress"] = selectors.progress(case)
        context.update(tracking.track_context(case))
        context["digits"] = request.POST.get("digits", "")
    return render(request, "portal/track.html", context)


def figures(request):
    today = timezone.localdate()
    return render(
        request, "portal/figures.html", {"figures": selectors.public_figures(today), "today": today}
    )


def bulletins(request):
    """The county's published 通报: who was commended, and nothing else (the criticised
    are named to staff only)."""
    shown = [
        {"bulletin": b, "commended": [{**e, "why": why(e)} for e in b.kept("commended")]}
        for b in public_bulletins()[:12]
    ]
    return render(request, "portal/bulletins.html", {"shown": shown})


def poster(request, code):
    village = get_object_or_404(Village.objects.select_related("township__center"), code=code)
    return _pdf(poster_pdf(village), f"poster-{village.code}.pdf")


def booklet(request, code):
    township = get_object_or_404(Township.objects.select_related("center"), code=code)
    return _pdf(booklet_pdf(township), f"guide-{township.code}.pdf")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def large_text(request):
    """Switch large text on or off without JavaScript: a link sets a cookie and returns."""
    response = redirect(safe_next(request, request.GET.get("next"), "/guide/"))
    if request.GET.get("on") == "1":
        response.set_cookie(LARGE_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie(LARGE_COOKIE)
    return response


def public_context(request):
    """Template context for every page: large-text mode and the public address."""
    return {
        "large_text": request.COOKIES.get(LARGE_COOKIE) == "1",
        "public_url": settings.DAIBAN_PUBLIC_URL.rstrip("/"),
    }
