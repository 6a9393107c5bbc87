"""The director's pages for the village service stations (people/stations.py)."""

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from daiban.core.errors import CaseError
from daiban.people import stations


@login_required
def station_list(request):
    villages = stations.editable_villages(request.user)
    if not villages.exists():
        raise Http404
    return render(request, "people/stations.html", {"villages": villages})


@login_required
@require_http_methods(["GET", "POST"])
def station_edit(request, pk):
    village = get_object_or_404(stations.editable_villages(request.user), pk=pk)
    values = {
        name: getattr(village, name) or "" for name in (*stations.FIELDS, "station_allowance")
    }
    values["station_phone"] = stations.phone_display(village)
    errors = {}
    if request.method == "POST":
        version = -1
        with contextlib.suppress(ValueError):
            version = int(request.POST.get("version", ""))
        values = {name: request.POST.get(name, "") for name in values}
        try:
            changed = stations.update_station(
                actor=request.user, village=village, data=values, version=version
            )
        except CaseError as exc:
            messages.error(request, exc.message)
            errors = getattr(exc, "fields", None) or {}
        else:
            if changed:
                messages.success(request, _("%(village)s: station saved.") % {"village": village})
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("staff:stations")
    return render(
        request,
        "people/station.html",
        {"village": village, "values": values, "errors": errors},
    )
