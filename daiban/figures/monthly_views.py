"""The monthly report's pages: the list (for the county, which townships have not
reported), one report with its next step, and its PDF and Excel."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daiban.audit.exports import download
from daiban.core.downloads import XLSX
from daiban.core.errors import CaseError
from daiban.core.periods import parse_month

from . import monthly, selectors
from .models import MonthlyReport


def _kind(request) -> str:
    kind = request.GET.get("kind", "")
    return kind if kind in MonthlyReport.Kind.values else MonthlyReport.Kind.MONTH


def _month(request, kind: str = MonthlyReport.Kind.MONTH) -> datetime.date:
    """The period asked for (by any month in it), else the last whole one."""
    month = parse_month(request.GET.get("month", ""))
    if month is None:
        return monthly.previous_period(kind, timezone.localdate())
    return monthly.period_start(kind, month)


@login_required
def index(request):
    scope = selectors.scope_for(request.user)
    if scope is None:
        raise PermissionDenied(_("Figures are for directors, leaders and the county."))
    kind = _kind(request)
    month = _month(request, kind)
    context = {
        "month": month,
        "scope": scope,
        "kind": kind,
        "kinds": MonthlyReport.Kind.choices,
        "period": monthly.period_name(kind, month),
    }
    if request.user.role in selectors.COUNTY_VIEWERS:
        board = monthly.county_board(scope.county.pk, month, kind)
        context["board"] = board
        context["missing"] = [t for t, r in board if r is None or not r.reported]
    else:
        context["reports"] = monthly.visible_reports(request.user).filter(kind=kind)[:24]
    return render(request, "figures/monthly_list.html", context)


def _report(request, pk) -> MonthlyReport:
    return get_object_or_404(monthly.visible_reports(request.user), pk=pk)


@login_required
def detail(request, pk):
    report = _report(request, pk)
    steps = [step for step in monthly.STEPS if monthly.may(request.user, report, step)]
    old = {step: monthly.STEPS[step][0] for step in steps}
    return render(
        request,
        "figures/monthly_detail.html",
        {
            "report": report,
            "title": monthly.title(report),
            "lines": [(label, monthly._shown(v, fmt)) for label, v, fmt in monthly.lines(report)],
            "steps": [s for s in steps if old[s] == report.status],
        },
    )


@login_required
@require_POST
def step(request, pk, name):
    report = _report(request, pk)
    if name not in monthly.STEPS:
        raise Http404
    try:
        if name == "submit":
            monthly.submit(report.pk, request.user, request.POST.get("note", ""))
        elif name == "sign":
            monthly.sign(report.pk, request.user)
        else:
            monthly.receive(report.pk, request.user)
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Done."))
    return redirect("figures:monthly_detail", pk=report.pk)


@login_required
def report_pdf(request, pk):
    report = _report(request, pk)
    name = f"{report.kind}-{report.township.code}-{report.month:%Y%m}.pdf"
    return download(request, "monthly_pdf", monthly.pdf(report), name, "application/pdf")


@login_required
def report_xlsx(request, pk):
    report = _report(request, pk)
    name = f"{report.kind}-{report.township.code}-{report.month:%Y%m}.xlsx"
    return download(request, "monthly_xlsx", monthly.xlsx(report), name, XLSX)


@login_required
def county_xlsx(request):
    scope = selectors.scope_for(request.user)
    if scope is None or request.user.role not in selectors.COUNTY_VIEWERS:
        raise PermissionDenied(_("The county's roll-up is for the county."))
    kind = _kind(request)
    month = _month(request, kind)
    body = monthly.county_xlsx(
        scope.county.name, month, monthly.county_board(scope.county.pk, month, kind)
    )
    name = f"{kind}-county-{month:%Y%m}.xlsx"
    return download(request, "monthly_county_xlsx", body, name, XLSX)
