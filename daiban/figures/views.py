"""Township and county dashboards, the cases behind each figure, and the report."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from daiban.audit.exports import download
from daiban.cases.models import Case
from daiban.core import paging
from daiban.core.downloads import XLSX
from daiban.core.periods import period
from daiban.evaluation.scores import read_scheme

from . import charts, report, selectors


def _int(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def scope_or_403(request) -> selectors.Scope:
    scope = selectors.scope_for(request.user, _int(request, "township"))
    if scope is None:
        raise PermissionDenied(_("Figures are for directors, leaders and the county."))
    return scope


def query_string(scope, start, end, **extra) -> str:
    params = {"from": start.strftime("%Y-%m"), "to": end.strftime("%Y-%m")}
    if scope.township is not None:
        params["township"] = scope.township.pk
    params.update({k: v for k, v in extra.items() if v is not None})
    return urlencode(params)


def _drill(scope, start, end, measure, **extra) -> str:
    return (
        reverse("figures:cases") + "?" + query_string(scope, start, end, measure=measure, **extra)
    )


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@login_required
def dashboard(request):
    scope = scope_or_403(request)
    start, end = period(request)
    scheme = read_scheme(scope.county)
    total = selectors.totals(scope, start, end)
    months = selectors.by_month(scope, start, end)
    saved = selectors.savings(scope, start, end, scheme)
    overdue = selectors.overdue_now(request.user, scope).count()

    def drill(measure, **extra):
        return _drill(scope, start, end, measure, **extra)

    chart = charts.columns(
        [
            (
                f"{month:%y.%m}",
                [
                    (
                        f["accepted"],
                        _drill(scope, month, month, "accepted"),
                        _("%(month)s: %(n)s accepted")
                        % {"month": f"{month:%Y-%m}", "n": f["accepted"]},
                        "a",
                    ),
                    (
                        f["completed"],
                        _drill(scope, month, month, "completed"),
                        _("%(month)s: %(n)s completed")
                        % {"month": f"{month:%Y-%m}", "n": f["completed"]},
                        "b",
                    ),
                ],
            )
            for month, f in months
        ]
    )
    if scope.township is None:
        places = [
            (t, f, _drill(selectors.Scope(scope.county, t), start, end, "accepted"))
            for t, f in selectors.by_township(scope, start, end)
        ]
    else:
        places = [
            (v, f, drill("accepted", village=v.pk))
            for v, f in selectors.by_village(scope, start, end)
        ]
    items = selectors.by_item(scope, start, end)[:15]
    peak_place = max((f["accepted"] for _p, f, _h in places), default=0)
    peak_item = max((f["accepted"] for _i, f in items), default=0)
    context = {
        "scope": scope,
        "start": start,
        "end": end,
        "total": total,
        "on_time_rate": _percent(total.on_time_rate),
        "satisfaction_rate": _percent(total.satisfaction_rate),
        "saved": saved,
        "overdue": overdue,
        "chart": chart,
        "months": [
            (m, f, _percent(f.on_time_rate), _percent(f.satisfaction_rate)) for m, f in months
        ],
        "places": [
            (
                p,
                f,
                href,
                charts.bar_width(f["accepted"], peak_place),
                _percent(f.on_time_rate),
                _percent(f.satisfaction_rate),
            )
            for p, f, href in places
        ],
        "items": [
            (
                i,
                f,
                drill("accepted", item=i.pk),
                charts.bar_width(f["accepted"], peak_item),
                _percent(f.on_time_rate),
                drill("late", item=i.pk),
            )
            for i, f in items
        ],
        "links": {
            m: drill(m)
            for m in (
                "accepted",
                "completed",
                "on_time",
                "late",
                "rated",
                "satisfied",
                "overdue",
                "refused",
                "withdrawn",
                "supplements",
                "complaints",
                "rectifications",
            )
        },
        "query": query_string(scope, start, end),
        "townships": scope.county.townships.order_by("code")
        if request.user.role in selectors.COUNTY_VIEWERS
        else [],
    }
    return render(request, "figures/dashboard.html", context)


@login_required
def cases(request):
    scope = scope_or_403(request)
    start, end = period(request)
    measure = request.GET.get("measure", "")
    if measure not in selectors.DRILLABLE:
        measure = "accepted"
    filters = {}
    for name in ("village", "item"):
        value = _int(request, name)
        if value is not None:
            filters[f"{name}_id"] = value
    found = selectors.cases_for(request.user, scope, measure, start, end, **filters)
    # The page's ids first, from the indexes alone; then those 50 cases with what the
    # list shows. Joining first would make the database sort every match of the county.
    page = paging.window(found.values_list("pk", flat=True), request.GET.get("page"))
    by_pk = (
        Case.objects.restrict(request.user, "view")
        .select_related("item", "village", "resident")
        .in_bulk(page.rows)
    )
    rows = [by_pk[pk] for pk in page.rows]
    return render(
        request,
        "figures/cases.html",
        {
            "scope": scope,
            "start": start,
            "end": end,
            "measure": measure,
            "label": selectors.MEASURE_LABELS[measure],
            "page": page,
            "rows": rows,
            "query": query_string(
                scope, start, end, measure=measure, **{k[:-3]: v for k, v in filters.items()}
            ),
            "back": reverse("figures:dashboard") + "?" + query_string(scope, start, end),
        },
    )


@login_required
def report_pdf(request):
    scope = scope_or_403(request)
    start, end = period(request)
    data = report.gather(request.user, scope, start, end)
    name = f"report-{start:%Y%m}-{end:%Y%m}.pdf"
    return download(request, "report_pdf", report.pdf(data), name, "application/pdf")


@login_required
def report_xlsx(request):
    scope = scope_or_403(request)
    start, end = period(request)
    data = report.gather(request.user, scope, start, end)
    name = f"report-{start:%Y%m}-{end:%Y%m}.xlsx"
    return download(
        request,
        "report_xlsx",
        report.xlsx(data),
        name,
        XLSX,
    )
