"""The yearly appraisal pages: the director proposes, the leader approves, both print."""

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daiban.audit.exports import download
from daiban.core.errors import CaseError
from daiban.people.models import Role, User
from daiban.places.models import Township

from . import appraisal
from .appraisal_paper import appraisal_pdf
from .models import Appraisal, Grade

ROLES = (Role.CENTER_DIRECTOR, Role.TOWNSHIP_LEADER, Role.ADMINISTRATOR)


def _township(request) -> Township:
    user = request.user
    if user.role not in ROLES:
        raise Http404
    if user.role == Role.ADMINISTRATOR:
        source = request.POST if request.method == "POST" else request.GET
        raw = str(source.get("township", ""))
        found = Township.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
        return found or get_object_or_404(Township.objects.order_by("code")[:1])
    return get_object_or_404(Township, pk=user.township_id)


def _year(request) -> int:
    source = request.POST if request.method == "POST" else request.GET
    text = source.get("year") or timezone.localdate().year
    try:
        return appraisal.parse_year(text)
    except CaseError as exc:
        messages.error(request, exc.message)
        return timezone.localdate().year


def _back(township, year):
    return f"{reverse('evaluation:appraisals')}?year={year}&township={township.pk}"


@login_required
def appraisals(request):
    township = _township(request)
    year = _year(request)
    if request.GET.get("format") == "pdf":
        return download(
            request,
            "appraisal_pdf",
            appraisal_pdf(township, year),
            f"appraisal-{township.code}-{year}.pdf",
            "application/pdf",
        )
    rows = appraisal.year_rows(township, year)
    found = {
        a.agent_id: a
        for a in Appraisal.objects.filter(township=township, year=year).select_related(
            "proposed_by", "approved_by"
        )
    }
    agents = [(row, found.get(pk)) for pk, row in rows.items()]
    shown = set(rows)
    for pk, item in found.items():  # appraised, since gone from the post
        if pk not in shown:
            agents.append((None, item))
    user = request.user
    return render(
        request,
        "evaluation/appraisals.html",
        {
            "township": township,
            "year": year,
            "years": list(range(timezone.localdate().year, appraisal.FIRST_YEAR - 1, -1))[:6],
            "agents": agents,
            "grades": Grade.choices,
            "may_propose": appraisal.may_propose(user, township.pk),
            "may_approve": appraisal.may_approve(user, township.pk),
            "commended": appraisal.commendations(township.pk, year),
            "to_replace": appraisal.to_replace(township.pk),
        },
    )


@login_required
@require_POST
def propose(request):
    township = _township(request)
    year = request.POST.get("year", "")
    agent = User.objects.filter(
        pk=request.POST.get("agent") if str(request.POST.get("agent", "")).isdigit() else None,
        role=Role.VILLAGE_AGENT,
        village__township=township,
    ).first()
    if agent is None:
        raise Http404
    try:
        _found, changed = appraisal.propose(
            actor=request.user,
            agent=agent,
            year=year,
            grade=request.POST.get("grade", ""),
            comment=request.POST.get("comment", ""),
        )
    except CaseError as exc:
        messages.error(request, f"{agent}: {exc.message}")
    else:
        if changed:
            messages.success(
                request,
                _("%(agent)s: grade proposed; the township leader approves it.") % {"agent": agent},
            )
        else:
            messages.info(request, _("Nothing changed."))
    with contextlib.suppress(CaseError):
        year = appraisal.parse_year(year)
    return redirect(_back(township, year))


@login_required
@require_POST
def approve(request, pk):
    township = _township(request)
    found = get_object_or_404(Appraisal, pk=pk, township=township)
    version = None
    with contextlib.suppress(ValueError):
        version = int(request.POST.get("version", ""))
    try:
        appraisal.approve(actor=request.user, appraisal=found, version=version)
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("%(agent)s: the grade for %(year)s is approved.")
            % {"agent": found.agent, "year": found.year},
        )
    return redirect(_back(township, found.year))
