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

from daiban.cases import attachments, forms, handover, hooks, lifecycle, petitions, rules
from daiban.cases.inputs import Missing
from daiban.cases.models import Attachment, Case, HandoverBatch, Rating, State
from daiban.cases.scoping import visible_cases
from daiban.cases.selectors import (
    custody,
    holder_board,
    incoming_transfers,
    open_hop,
    queue_case_ids,
    worklist,
)
from daiban.cases.steps import EXTENDABLE
from daiban.core.errors import CaseError
from daiban.people.models import Role

SHOWN = 200  # the most urgent first; a county-wide list is read through reports, not here
# A director's, leader's or the county's home lists a township's or county's open cases:
# the 50 most urgent keep the page light (68 KB and 280 ms with 200 rows at 2 M cases);
# the register and the dashboard's drill-downs list the rest.
OVERVIEW = 50


@login_required
def home(request):
    user, today = request.user, timezone.localdate()
    context = {"today": today}
    if user.role in (Role.DEPARTMENT_CLERK, Role.TOWNSHIP_AGENT):
        in_queue = visible_cases(user).filter(pk__in=queue_case_ids(user))
        context["queue"], context["queue_total"] = worklist(in_queue, today, SHOWN)
        template = "cases/home_clerk.html"
    elif user.role == Role.CENTER_DIRECTOR:
        own = visible_cases(user).filter(township_id=user.township_id)
        context["rows"], context["rows_total"] = worklist(own, today, OVERVIEW)
        context["incoming"] = incoming_transfers(user.township_id)
        context.update(hooks.director_home_lists(user, SHOWN))
        context["board"] = holder_board(user.township_id, today)
        template = "cases/home_director.html"
    else:
        shown = SHOWN if user.role in (Role.VILLAGE_AGENT, Role.PETITION_AGENT) else OVERVIEW
        context["rows"], context["rows_total"] = worklist(visible_cases(user), today, shown)
        # Requests filed through Open311 (a hotline) wait here until the agent acts
        # (open311 adds its list in its AppConfig.ready).
        context.update(hooks.agent_home_lists(user, SHOWN))
        template = "cases/home_agent.html"
    return render(request, template, context)


def _case_for(request, pk) -> Case:
    cases = visible_cases(request.user).select_related(
        "item", "resident", "village", "township", "agent", "item_version", "inquiry", "rating"
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
        "may_scan": attachments.may_open(request.user, case),
        "scans": case.attachments.all(),
        "scan_kinds": Attachment.Kind.choices,
        "may_extend": case.state in EXTENDABLE,
        "petition_clock": petitions.clocks(case),
    }
    if "hand_over" in steps:
        context["hand_over_form"] = forms.HandOverForm(
            case=case, papers=_held_papers(case), hop=hop
        )
    if "record_result" in steps:
        context["result_form"] = forms.ResultForm()
    if "decide_petition" in steps:
        context["petition_form"] = forms.PetitionDecisionForm()
    if "reply" in steps:
        context["reply_form"] = forms.ReplyForm(initial={"signed_by": case.resident.name})
    if "rate" in steps:
        context["rating_levels"] = Rating.Level.choices
    if "close" in steps:
        # Only those who may rate see the rating; for the case's agent it is a note.
        rating = None
        if "rate" in steps:
            rating = "note" if request.user.id == case.agent_id else "answer"
        context["close_form"] = forms.CloseForm(rating=rating)
    if steps & {"withdraw"}:
        context["withdraw_form"] = forms.ReasonForm()
    if "send_transfer" in steps:
        context["transfer_form"] = forms.TransferForm(case=case)
    if "return_transfer" in steps:
        context["return_transfer_form"] = forms.ReasonForm()
    context["transfers"] = case.transfers.select_related(
        "from_village", "to_village", "from_township", "to_township", "sent_by", "decided_by"
    )
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


def _step(request, pk, done: str, call, make_form=None):
    """Parse the posted form (if any), then take the step on the case as the person saw it.

    `make_form(case, post)` builds the form; `call(case, user, cleaned_data)` takes the step.
    """
    case = _posted_case(request, pk)
    data = {}
    if make_form is not None:
        form = make_form(case, request.POST)
        if not form.is_valid():
            return _invalid(request, case, form)
        data = form.cleaned_data
    return _run(request, case, lambda: call(case, request.user, data), done)


def _held_papers(case):
    hop = open_hop(case)
    papers = case.papers.filter(returned_at__isnull=True)
    if hop is not None:
        papers = papers.filter(
            holder_user_id=hop.holder_user_id, holder_department_id=hop.holder_department_id
        )
    return list(papers)


@login_required
@require_POST
def confirm_receipt(request, pk):
    return _step(
        request,
        pk,
        _("Receipt confirmed."),
        lambda case, user, data: lifecycle.confirm_receipt(case, actor=user),
    )


@login_required
@require_POST
def hand_over(request, pk):
    def make_form(case, post):
        return forms.HandOverForm(post, case=case, papers=_held_papers(case), hop=open_hop(case))

    def call(case, user, data):
        lifecycle.hand_over(
            case, actor=user, paper_ids=data["papers"], note=data["note"], **data["to"]
        )

    return _step(request, pk, _("Handed over; the receiver must confirm."), call, make_form)


@login_required
@require_POST
def recall(request, pk):
    return _step(
        request,
        pk,
        _("Recalled: the file is with you again."),
        lambda case, user, data: lifecycle.recall(case, actor=user),
    )


@login_required
@require_POST
def record_result(request, pk):
    return _step(
        request,
        pk,
        _("Result recorded."),
        lambda case, user, data: lifecycle.record_result(
            case,
            actor=user,
            granted=data["granted"],
            reason=data["reason"],
            document_no=data["document_no"],
        ),
        lambda case, post: forms.ResultForm(post),
    )


@login_required
@require_POST
def decide_petition(request, pk):
    return _step(
        request,
        pk,
        _("Decision recorded; print the written notice for the petitioner."),
        lambda case, user, data: lifecycle.decide_petition(
            case, actor=user, accept=data["accept"], reason=data["reason"]
        ),
        lambda case, post: forms.PetitionDecisionForm(post),
    )


@login_required
@require_POST
def reply(request, pk):
    return _step(
        request,
        pk,
        _("Replied: the result and the originals went back to the resident."),
        lambda case, user, data: lifecycle.reply(
            case, actor=user, signed_by=data["signed_by"], note=data["note"]
        ),
        lambda case, post: forms.ReplyForm(post),
    )


@login_required
@require_POST
def close(request, pk):
    return _step(
        request,
        pk,
        _("Case closed after the follow-up."),
        lambda case, user, data: lifecycle.close(
            case, actor=user, method=data["method"], rating=data["rating"], note=data["note"]
        ),
        lambda case, post: forms.CloseForm(post),
    )


@login_required
@require_POST
def withdraw(request, pk):
    return _step(
        request,
        pk,
        _("Case withdrawn."),
        lambda case, user, data: lifecycle.withdraw(case, actor=user, reason=data["reason"]),
        lambda case, post: forms.ReasonForm(post),
    )


@login_required
@require_POST
def request_supplement(request, pk):
    return _step(
        request,
        pk,
        _("Supplement notice issued; print it for the resident."),
        lambda case, user, data: lifecycle.request_supplement(
            case,
            actor=user,
            missing=[Missing(material_id) for material_id in data["missing"]],
            note=data["note"],
        ),
        lambda case, post: forms.SupplementForm(
            post, materials=case.item_version.materials if case.item_version else []
        ),
    )


@login_required
@require_POST
def resume(request, pk):
    return _step(
        request,
        pk,
        _("Materials received; the clock runs again."),
        lambda case, user, data: lifecycle.resume(case, actor=user),
    )


@login_required
@require_POST
def return_papers(request, pk):
    return _step(
        request,
        pk,
        _("Originals returned."),
        lambda case, user, data: lifecycle.return_papers(
            case, actor=user, paper_ids=data["papers"], signed_by=data["signed_by"]
        ),
        lambda case, post: forms.ReturnPapersForm(
            post, papers=[p for p in custody(case) if p.returned_at is None]
        ),
    )


@login_required
def handover_batch(request):
    """The agent takes several files to the center at once, with one handover list."""
    # The files in the person's own hands, picked by the database (a director's or the
    # county's whole worklist was read and thrown away: 170 ms at 2.1 M cases).
    mine = visible_cases(request.user).filter(
        state=State.IN_PROGRESS,
        hops__ended_at__isnull=True,
        hops__holder_user=request.user,
        hops__received_at__isnull=False,
    )
    held = worklist(mine, timezone.localdate(), SHOWN)[0]
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
        HandoverBatch.objects.restrict(request.user, "view").select_related("sent_by"),
        pk=pk,
        sent_by=request.user,
    )
    hops = batch.hops.select_related("case", "case__item", "case__resident", "holder_department")
    return render(request, "cases/batch.html", {"batch": batch, "hops": hops})


@login_required
@require_POST
def send_transfer(request, pk):
    return _step(
        request,
        pk,
        _("Sent to the other township; its center director accepts or returns it."),
        lambda case, user, data: lifecycle.send_transfer(
            case, actor=user, to_village=data["to_village"], reason=data["reason"]
        ),
        lambda case, post: forms.TransferForm(post, case=case),
    )


@login_required
@require_POST
def accept_transfer(request, pk):
    return _step(
        request,
        pk,
        _("Transfer accepted: the case is this township's now; the new agent confirms the file."),
        lambda case, user, data: lifecycle.accept_transfer(case, actor=user),
    )


@login_required
@require_POST
def return_transfer(request, pk):
    return _step(
        request,
        pk,
        _("Transfer returned to the first center."),
        lambda case, user, data: lifecycle.return_transfer(case, actor=user, reason=data["reason"]),
        lambda case, post: forms.ReasonForm(post),
    )
