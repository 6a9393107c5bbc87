"""Staff pages for cases: home work lists, the case page and its steps.

Views parse input and call daiban.cases.lifecycle; they hold no rules of their own.
"""

import contextlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daiban.cases import forms, handover, lifecycle, rules
from daiban.cases.errors import CaseError
from daiban.cases.models import Case, HandoverBatch, Paper
from daiban.cases.scoping import visible_cases
from daiban.cases.selectors import custody, holder_board, open_hop, queue_case_ids, worklist
from daiban.people.models import Role

SHOWN = 200  # the most urgent first; a county-wide list is read through reports, not here


@login_required
def home(request):
    user, today = request.user, timezone.localdate()
    context = {"today": today}
    if user.role in (Role.DEPARTMENT_CLERK, Role.TOWNSHIP_AGENT):
        in_queue = visible_cases(user).filter(pk__in=queue_case_ids(user))
        context["queue"], context["queue_total"] = worklist(in_queue, today, SHOWN)
        template = "cases/home_clerk.html"
    elif user.role == Role.CENTER_DIRECTOR:
        context["rows"], context["rows_total"] = worklist(visible_cases(user), today, SHOWN)
        context["board"] = holder_board(user.township_id, today)
        template = "cases/home_director.html"
    else:
        context["rows"], context["rows_total"] = worklist(visible_cases(user), today, SHOWN)
        template = "cases/home_agent.html"
    return render(request, template, context)


def _case_for(request, pk) -> Case:
    cases = visible_cases(request.user).select_related(
        "item", "resident", "village", "township", "agent", "item_version", "inquiry"
    )
    return get_object_or_404(cases, pk=pk)


@login_required
def detail(request, pk):
    case = _case_for(request, pk)
    hop = open_hop(case)
    steps = rules.steps_for(request.user, case, hop)
    outstanding = [p for p in custody(case) if p.returned_at is None]
    context = {
        "case": case,
        "hop": hop,
        "steps": steps,
        "papers": custody(case),
        "hops": case.hops.select_related(
            "holder_user", "holder_department", "sent_by", "received_by"
        ),
        "events": case.events.select_related("actor"),
        "checklist": case.checklist.all(),
        "notices": case.supplement_notices.all(),
    }
    if "hand_over" in steps:
        held = [
            p
            for p in outstanding
            if (p.holder_user_id, p.holder_department_id)
            == (hop.holder_user_id, hop.holder_department_id)
        ]
        context["hand_over_form"] = forms.HandOverForm(case=case, papers=held)
    if "record_result" in steps:
        context["result_form"] = forms.ResultForm()
    if "reply" in steps:
        context["reply_form"] = forms.ReplyForm(initial={"signed_by": case.resident.name})
    if "close" in steps:
        context["close_form"] = forms.CloseForm()
    if steps & {"withdraw"}:
        context["withdraw_form"] = forms.ReasonForm()
    if "request_supplement" in steps and case.item_version:
        context["supplement_form"] = forms.SupplementForm(materials=case.item_version.materials)
    mine = [p for p in outstanding if rules.holds(request.user, p, case.township_id)]
    if mine:
        context["return_form"] = forms.ReturnPapersForm(
            papers=mine, initial={"signed_by": case.resident.name}
        )
    return render(request, "cases/detail.html", context)


def _run(request, case, call, done: str):
    try:
        call()
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("cases:detail", pk=case.pk)


def _posted_case(request, pk) -> Case:
    """The case as the person saw it: a stale page gets a conflict, not an overwrite."""
    case = _case_for(request, pk)
    with contextlib.suppress(ValueError):
        case.version = int(request.POST.get("version", case.version))
    return case


def _invalid(request, case, form):
    for errors in form.errors.values():
        messages.error(request, errors[0])
    return redirect("cases:detail", pk=case.pk)


@login_required
@require_POST
def confirm_receipt(request, pk):
    case = _posted_case(request, pk)
    return _run(
        request,
        case,
        lambda: lifecycle.confirm_receipt(case, actor=request.user),
        _("Receipt confirmed."),
    )


@login_required
@require_POST
def hand_over(request, pk):
    case = _posted_case(request, pk)
    hop = open_hop(case)
    papers = Paper.objects.filter(case=case, returned_at__isnull=True)
    if hop is not None:
        papers = papers.filter(
            holder_user_id=hop.holder_user_id, holder_department_id=hop.holder_department_id
        )
    form = forms.HandOverForm(request.POST, case=case, papers=list(papers))
    if not form.is_valid():
        return _invalid(request, case, form)
    return _run(
        request,
        case,
        lambda: lifecycle.hand_over(
            case,
            actor=request.user,
            paper_ids=form.cleaned_data["papers"],
            note=form.cleaned_data["note"],
            **form.target(),
        ),
        _("Handed over; the receiver must confirm."),
    )


@login_required
@require_POST
def record_result(request, pk):
    case = _posted_case(request, pk)
    form = forms.ResultForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    data = form.cleaned_data
    return _run(
        request,
        case,
        lambda: lifecycle.record_result(
            case,
            actor=request.user,
            granted=data["granted"],
            reason=data["reason"],
            document_no=data["document_no"],
        ),
        _("Result recorded."),
    )


@login_required
@require_POST
def reply(request, pk):
    case = _posted_case(request, pk)
    form = forms.ReplyForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    data = form.cleaned_data
    return _run(
        request,
        case,
        lambda: lifecycle.reply(
            case, actor=request.user, signed_by=data["signed_by"], note=data["note"]
        ),
        _("Replied: the result and the originals went back to the resident."),
    )


@login_required
@require_POST
def close(request, pk):
    case = _posted_case(request, pk)
    form = forms.CloseForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    data = form.cleaned_data
    return _run(
        request,
        case,
        lambda: lifecycle.close(
            case,
            actor=request.user,
            method=data["method"],
            rating=data["rating"],
            note=data["note"],
        ),
        _("Case closed after the follow-up."),
    )


@login_required
@require_POST
def withdraw(request, pk):
    case = _posted_case(request, pk)
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        return _invalid(request, case, form)
    return _run(
        request,
        case,
        lambda: lifecycle.withdraw(case, actor=request.user, reason=form.cleaned_data["reason"]),
        _("Case withdrawn."),
    )


@login_required
@require_POST
def request_supplement(request, pk):
    case = _posted_case(request, pk)
    form = forms.SupplementForm(
        request.POST, materials=case.item_version.materials if case.item_version else []
    )
    if not form.is_valid():
        return _invalid(request, case, form)
    return _run(
        request,
        case,
        lambda: lifecycle.request_supplement(
            case, actor=request.user, missing=form.missing_list(), note=form.cleaned_data["note"]
        ),
        _("Supplement notice issued; print it for the resident."),
    )


@login_required
@require_POST
def resume(request, pk):
    case = _posted_case(request, pk)
    return _run(
        request,
        case,
        lambda: lifecycle.resume(case, actor=request.user),
        _("Materials received; the clock runs again."),
    )


@login_required
@require_POST
def return_papers(request, pk):
    case = _posted_case(request, pk)
    papers = [p for p in custody(case) if p.returned_at is None]
    form = forms.ReturnPapersForm(request.POST, papers=papers)
    if not form.is_valid():
        return _invalid(request, case, form)
    return _run(
        request,
        case,
        lambda: lifecycle.return_papers(
            case,
            actor=request.user,
            paper_ids=form.cleaned_data["papers"],
            signed_by=form.cleaned_data["signed_by"],
        ),
        _("Originals returned."),
    )


@login_required
def handover_batch(request):
    """The agent takes several files to the center at once, with one handover list."""
    held = [
        row
        for row in worklist(visible_cases(request.user), timezone.localdate(), SHOWN)[0]
        if row.hop is not None
        and row.hop.holder_user_id == request.user.id
        and row.hop.received_at is not None
        and row.case.state == "in_progress"
    ]
    if request.method == "POST":
        chosen = {int(pk) for pk in request.POST.getlist("case") if pk.isdigit()}
        rows = [row for row in held if row.case.pk in chosen]
        if not rows:
            messages.error(request, _("Tick the files you are taking."))
        else:
            batch, failed = handover.hand_over_batch(request.user, [row.case for row in rows])
            for case, message in failed:
                messages.error(request, f"{case.number}: {message}")
            if batch is not None:
                messages.success(
                    request, _("Handed over; print the list and have the center sign it.")
                )
                return redirect("cases:batch", pk=batch.pk)
    return render(request, "cases/handover.html", {"rows": held})


@login_required
def batch(request, pk):
    batch = get_object_or_404(
        HandoverBatch.objects.select_related("sent_by"), pk=pk, sent_by=request.user
    )
    hops = batch.hops.select_related("case", "case__item", "case__resident", "holder_department")
    return render(request, "cases/batch.html", {"batch": batch, "hops": hops})
