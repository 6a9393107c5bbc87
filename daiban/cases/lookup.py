"""The header's one search box: a case number or tracking code opens the case; anything
else finds the villager's cases. It posts, so a number typed in it is never in an address
or an access log, and it goes through the scoping module like every other page."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from daiban.cases.scoping import visible_cases
from daiban.people.models import Role
from daiban.people.requests import StaffRequest
from daiban.people.selectors import search_residents, visible_residents

SHOWN = 30
# Roles whose pages offer the villagers themselves (the Residents tab).
FINDS_RESIDENTS = {
    Role.VILLAGE_AGENT,
    Role.PETITION_AGENT,
    Role.CENTER_DIRECTOR,
    Role.ADMINISTRATOR,
}


@login_required
@require_http_methods(["GET", "POST"])
def find(request: StaffRequest) -> HttpResponse:
    # The header's box is "find", not "q", so it never clashes with a page's own search.
    source = request.POST if request.method == "POST" else {}
    text = (source.get("find") or source.get("q") or "").strip()
    cases = visible_cases(request.user)
    found_cases, residents = [], []
    if text:
        compact = "".join(text.split())
        exact = list(cases.filter(Q(number=compact) | Q(tracking_code=compact.upper()))[:2])
        if len(exact) == 1:
            return redirect("cases:detail", pk=exact[0].pk)
        matched = search_residents(visible_residents(request.user), text)
        found_cases = list(
            cases.filter(resident_id__in=matched.values("pk"))
            .select_related("item", "resident", "village")
            .order_by("-created_at")[:SHOWN]
        )
        if request.user.role in FINDS_RESIDENTS:
            residents = list(matched.select_related("village", "hamlet")[:SHOWN])
    return render(
        request,
        "cases/lookup.html",
        {"searched": bool(text), "cases": found_cases, "residents": residents},
    )
