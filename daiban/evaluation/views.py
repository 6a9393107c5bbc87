"""Agents' evaluation, the county's scheme, and the monthly payment sheets."""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daiban.audit.exports import download
from daiban.core.downloads import XLSX
from daiban.core.errors import CaseError
from daiban.core.periods import first_of_month, parse_month, period
from daiban.figures import selectors as figures
from daiban.figures.views import query_string, scope_or_403
from daiban.people.models import Role

from . import exports, services
from .models import SCHEME_FIELDS, PaymentLine, PaymentSheet, Scheme
from .scores import evaluate, read_scheme, scheme_for


def _xlsx(request, kind: str, body: bytes, filename: str) -> HttpResponse:
    return download(request, kind, body, filename, XLSX)


@login_required
def ranking(request):
    scope = scope_or_403(request)
    start, end = period(request)
    scheme = read_scheme(scope.county)
    township_id = scope.township.pk if scope.township else None
    rows = evaluate(scheme, start, end, township_id=township_id)
    title = _("%(place)s: agents' evaluation, %(start)s to %(end)s") % {
        "place": scope.name,
        "start": f"{start:%Y-%m}",
        "end": f"{end:%Y-%m}",
    }
    if request.GET.get("format") == "xlsx":
        return _xlsx(
            request, "ranking", exports.ranking(rows, title), f"agents-{start:%Y%m}-{end:%Y%m}.xlsx"
        )
    return render(
        request,
        "evaluation/ranking.html",
        {
            "scope": scope,
            "start": start,
            "end": end,
            "rows": rows,
            "scheme": scheme,
            "title": title,
            "query": query_string(scope, start, end),
            # Reversed once, not twice for each of a county's 300 agents.
            "table_rows": _ranking_rows(
                rows, scope, reverse("figures:cases") + "?" + query_string(scope, start, end)
            ),
            "townships": scope.county.townships.order_by("code")
            if request.user.role in figures.COUNTY_VIEWERS
            else [],
        },
    )


def _ranking_rows(rows, scope, drill: str):
    """The ranking's rows, built here rather than in the template: a county's 300 agents
    took 280 ms in Django's template engine (12 cells, two links each), the page's whole
    cost at 2 M cases. Every value is escaped by format_html."""
    township, county = _("township"), _("county")
    out = []
    for r in rows:
        c = r.counts
        if not r.rank_township:
            rank = "—"
        elif scope.township:
            rank = format_html("{} <small>({} {})</small>", r.rank_township, county, r.rank_county)
        else:
            rank = format_html(
                "{} <small>({} {})</small>", r.rank_county, township, r.rank_township
            )
        village = r.agent.village
        where = village.name if scope.township else f"{village.name} · {village.township.name}"
        rate = c.response_rate
        out.append(
            format_html(
                "<tr><td>{}</td><td>{}<small> · {}</small></td>"
                '<td><a href="{}&amp;measure=accepted&amp;village={}">{}</a></td>'
                '<td><a href="{}&amp;measure=completed&amp;village={}">{}</a></td>'
                "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}/{}</td><td>{}/{}{}</td>"
                '<td>{}/{}</td><td><b>{}</b><small class="helptext">{}</small></td></tr>\n',
                rank,
                r.agent.display_name,
                where,
                drill,
                village.pk,
                c["accepted"],
                drill,
                village.pk,
                c["completed"],
                c["on_time"],
                floatformat(c.average_days, 1) or "—",
                c["supplements"],
                c["refused"],
                c["satisfied"],
                c["rated"],
                c["rated"],
                c["completed"],
                format_html(" <small>({}%)</small>", round(float(rate) * 100))
                if rate is not None
                else "",
                c["complaints"],
                c["rectifications"],
                "—" if r.score is None else r.score,
                r.formula,
            )
        )
    return mark_safe("".join(out))  # noqa: S308 (each row is format_html's)


class SchemeForm(forms.ModelForm):
    class Meta:
        model = Scheme
        fields = SCHEME_FIELDS


@login_required
def scheme(request):
    scope = scope_or_403(request)
    current = scheme_for(scope.county)
    may_edit = request.user.role in figures.COUNTY_VIEWERS
    form = SchemeForm(request.POST or None, instance=current)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied(_("The county sets the evaluation scheme."))
        if form.is_valid():
            changed = {name: form.cleaned_data[name] for name in form.changed_data}
            try:
                services.update_scheme(
                    current, actor=request.user, seen=_when(request.POST.get("seen")), **changed
                )
            except CaseError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("The scheme is saved. Sheets already approved keep the values they used."),
                )
            return redirect("evaluation:scheme")
        messages.error(request, _("The scheme was not saved: see the marked fields."))
    if not may_edit:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request, "evaluation/scheme.html", {"form": form, "may_edit": may_edit, "scheme": current}
    )


def _when(text: str | None) -> datetime.datetime | None:
    """The version a form was filled in against (an ISO time it carried)."""
    try:
        return datetime.datetime.fromisoformat(text) if text else None
    except ValueError:
        return None


def _sheets_for(user):
    return PaymentSheet.objects.restrict(user, "view").select_related(
        "township", "prepared_by", "approved_by"
    )


@login_required
def sheets(request):
    scope = scope_or_403(request)
    last_month = first_of_month(first_of_month(timezone.localdate()) - datetime.timedelta(days=1))
    may_prepare = request.user.role in (Role.CENTER_DIRECTOR, Role.ADMINISTRATOR)
    townships = (
        [scope.township] if scope.township else list(scope.county.townships.order_by("code"))
    )
    return render(
        request,
        "evaluation/sheets.html",
        {
            "sheets": _sheets_for(request.user)[:120],
            "may_prepare": may_prepare,
            "last_month": last_month,
            "townships": townships,
        },
    )


@login_required
@require_POST
def prepare(request):
    scope = scope_or_403(request)
    month = parse_month(request.POST.get("month", ""))
    township_id = request.POST.get("township", "")
    township = scope.township
    if township is None and township_id.isdigit():
        township = scope.county.townships.filter(pk=int(township_id)).first()
    if month is None or township is None:
        messages.error(request, _("Choose a township and a month (year-month)."))
        return redirect("evaluation:sheets")
    try:
        sheet = services.prepare_sheet(township, month, actor=request.user)
    except CaseError as exc:
        messages.error(request, exc.message)
        return redirect("evaluation:sheets")
    messages.success(
        request, _("The sheet is worked out. Check it, then ask the township leader to approve it.")
    )
    return redirect("evaluation:sheet", sheet.pk)


def _sheet(request, pk) -> PaymentSheet:
    sheet = _sheets_for(request.user).filter(pk=pk).first()
    if sheet is None:
        raise Http404
    return sheet


@login_required
def sheet(request, pk):
    found = _sheet(request, pk)
    if request.GET.get("format") == "pdf":
        return download(
            request,
            "payment_sheet_pdf",
            exports.payment_sheet_pdf(found),
            f"payments-{found.township.code}-{found.month:%Y%m}.pdf",
            "application/pdf",
        )
    if request.GET.get("format") == "xlsx":
        return _xlsx(
            request,
            "payment_sheet",
            exports.payment_sheet(found),
            f"payments-{found.township.code}-{found.month:%Y%m}.xlsx",
        )
    lines = found.lines.select_related("agent", "village")
    return render(
        request,
        "evaluation/sheet.html",
        {
            "sheet": found,
            "lines": lines,
            "intact": services.intact(found),
            "may_approve": found.status == PaymentSheet.Status.DRAFT
            and request.user.role in (Role.TOWNSHIP_LEADER, Role.ADMINISTRATOR)
            and request.user.pk != found.prepared_by_id,
            "may_prepare": found.status == PaymentSheet.Status.DRAFT
            and request.user.role in (Role.CENTER_DIRECTOR, Role.ADMINISTRATOR),
        },
    )


@login_required
@require_POST
def approve(request, pk):
    found = _sheet(request, pk)
    try:
        services.approve_sheet(found, actor=request.user, seen=_when(request.POST.get("seen")))
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Approved. The sheet is locked."))
    return redirect(reverse("evaluation:sheet", args=[found.pk]))


@login_required
def mine(request):
    """A village agent's own figures and score, this month and last, and what was paid."""
    user = request.user
    if user.role != Role.VILLAGE_AGENT:
        raise PermissionDenied(_("This page is for village agents."))
    scheme = read_scheme(user.village.township.county_id)
    this_month = first_of_month(timezone.localdate())
    last_month = first_of_month(this_month - datetime.timedelta(days=1))
    periods = []
    for label, start in ((_("This month"), this_month), (_("Last month"), last_month)):
        rows = evaluate(scheme, start, start, township_id=user.village.township_id)
        periods.append(
            (label, start, next((r for r in rows if r.agent.pk == user.pk), None), len(rows))
        )
    paid = (
        PaymentLine.objects.restrict(user, "view")
        .filter(agent=user, sheet__status=PaymentSheet.Status.APPROVED)
        .select_related("sheet")
        .order_by("-sheet__month")[:12]
    )
    return render(
        request, "evaluation/mine.html", {"periods": periods, "paid": paid, "scheme": scheme}
    )
