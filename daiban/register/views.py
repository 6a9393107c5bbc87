"""The register's page and its Excel export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from daiban.audit.exports import download
from daiban.cases.models import State
from daiban.catalog.models import ServiceItem
from daiban.core.downloads import XLSX
from daiban.figures.selectors import scope_for
from daiban.people.models import Role, User
from daiban.places.models import Village

from . import exports, selectors
from .selectors import Filters


def _scope_or_403(request, f: Filters):
    scope = scope_for(request.user, f.township)
    if scope is None:
        raise PermissionDenied(_("The register is for directors, leaders and the county."))
    return scope


def _choices(scope, user) -> dict:
    """The filters' lists: villages and agents once a township is chosen, so that a
    county's page does not carry 300 villages twice."""
    township = scope.township
    county_wide = user.role in (Role.COUNTY_SUPERVISOR, Role.ADMINISTRATOR)
    out = {
        "townships": list(scope.county.townships.order_by("code").only("pk", "name"))
        if county_wide
        else [],
        "items": list(ServiceItem.objects.order_by("code").only("pk", "name")),
        "states": State.choices,
        "villages": [],
        "agents": [],
    }
    if township is not None:
        out["villages"] = list(
            Village.objects.filter(township=township).order_by("code").only("pk", "name")
        )
        out["agents"] = list(
            User.objects.filter(
                village__township=township,
                role__in=(Role.VILLAGE_AGENT, Role.PETITION_AGENT),
            )
            .order_by("username")
            .only("pk", "username", "display_name")
        )
    return out


@login_required
@require_http_methods(["GET", "POST"])
def register(request):
    posted = request.method == "POST"
    source = request.POST if posted else request.GET
    f = Filters.parse(source)
    scope = _scope_or_403(request, f)
    if request.user.role not in (Role.COUNTY_SUPERVISOR, Role.ADMINISTRATOR):
        f.township = None  # a township's own people see their township; no filter needed
    for error in f.errors:
        messages.error(request, error)
    if posted and not selectors.looks_like_personal_number(f.q):
        # A name, case number or tracking code may stay in the address: back to a link.
        return redirect(reverse("register:list") + "?" + urlencode(f.params()))
    if not posted and selectors.looks_like_personal_number(f.q):
        messages.warning(
            request, _("Type a phone or ID number in the search box; it is not taken from links.")
        )
        # Away from the address that carries the number (the page would repeat it).
        return redirect(reverse("register:list") + "?" + urlencode(f.params()))
    cursor = "" if posted else request.GET.get("after", "")
    found = selectors.page(request.user, f, cursor, posted=posted)
    query = urlencode(f.params())
    context = {
        "f": f,
        "page": found,
        "today": timezone.localdate(),
        "query": query,
        "q_shown": "" if posted else f.q,
        "posted_q": f.q if posted else "",
        "sorts": selectors.SORT_LABELS.items(),
        "date_fields": selectors.DATE_LABELS.items(),
        "more": (
            reverse("register:list") + "?" + urlencode({**f.params(), "after": found.next_cursor})
            if found.next_cursor and not posted
            else ""
        ),
        "first": reverse("register:list") + ("?" + query if query else "") if cursor else "",
        "sort_note": f.sort in ("due", "decided"),
        **_choices(scope, request.user),
    }
    return render(request, "register/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def export(request):
    posted = request.method == "POST"
    f = Filters.parse(request.POST if posted else request.GET)
    _scope_or_403(request, f)
    back = reverse("register:list") + "?" + urlencode(f.params())
    if f.errors:
        for error in f.errors:
            messages.error(request, error)
        return redirect(back)
    if not posted and selectors.looks_like_personal_number(f.q):
        messages.warning(
            request, _("Type a phone or ID number in the search box; it is not taken from links.")
        )
        return redirect(back)
    cases = selectors.ordered(selectors.matching(request.user, f, posted=posted), f.sort)
    if cases.order_by()[: exports.ROW_CAP + 1].count() > exports.ROW_CAP:
        messages.error(
            request,
            _(
                "More than %(n)s cases match: narrow the filters (a township, a village, "
                "dates) and export again."
            )
            % {"n": f"{exports.ROW_CAP:,}"},
        )
        return redirect(back)
    body = exports.workbook(cases, timezone.localdate())
    name = f"register-{timezone.localdate():%Y%m%d}.xlsx"
    return download(request, "register_xlsx", body, name, XLSX)
