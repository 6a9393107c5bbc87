"""Supervisor pages (staff) and the resident's rating page and complaint (public)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from daiban.cases import lifecycle
from daiban.cases.models import Rating
from daiban.cases.scoping import visible_cases
from daiban.cases.selectors import find_for_tracking
from daiban.core import throttle
from daiban.core.errors import CaseError
from daiban.documents import papers
from daiban.documents.views import pdf_response
from daiban.supervision import selectors, services
from daiban.supervision.models import (
    Appeal,
    Complaint,
    Extension,
    RatingInvitation,
    Rectification,
    Supervision,
)


def _done(request, call, success: str, back: str):
    try:
        call()
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(back)


@login_required
def board(request):
    user = request.user
    return render(
        request,
        "supervision/board.html",
        {
            "alerts": selectors.alert_counts(user),
            "supervisions": selectors.open_supervisions(user)[:200],
            "mine": selectors.my_supervisions(user),
            "extensions": selectors.pending_extensions(user),
            "appeals": selectors.pending_appeals(user),
        },
    )


@login_required
def ledger(request):
    return render(
        request,
        "supervision/ledger.html",
        {"rectifications": selectors.rectifications(request.user)},
    )


def _visible(request, model, pk):
    return get_object_or_404(model.objects.restrict(request.user, "view"), pk=pk)


@login_required
@require_POST
def answer(request, pk):
    item = _visible(request, Supervision, pk)
    return _done(
        request,
        lambda: services.answer(item, actor=request.user, text=request.POST.get("text", "")),
        _("Answer recorded."),
        "supervision:board",
    )


@login_required
@require_POST
def close(request, pk):
    item = _visible(request, Supervision, pk)
    return _done(
        request,
        lambda: services.close_supervision(
            item, actor=request.user, note=request.POST.get("note", "")
        ),
        _("Supervision closed."),
        "supervision:board",
    )


@login_required
@require_POST
def decide_extension(request, pk):
    item = _visible(request, Extension, pk)
    approve = request.POST.get("decision") == "approve"
    return _done(
        request,
        lambda: services.decide_extension(item, actor=request.user, approve=approve),
        _("Extension decided."),
        "supervision:board",
    )


@login_required
@require_POST
def decide_appeal(request, pk):
    item = _visible(request, Appeal, pk)
    return _done(
        request,
        lambda: services.decide_appeal(
            item,
            actor=request.user,
            overturn=request.POST.get("decision") == "overturn",
            decision=request.POST.get("text", ""),
        ),
        _("Appeal decided."),
        "supervision:board",
    )


@login_required
@require_POST
def close_rectification(request, pk):
    item = _visible(request, Rectification, pk)
    return _done(
        request,
        lambda: services.close_rectification(
            item,
            actor=request.user,
            result=request.POST.get("result", ""),
            recontacted=request.POST.get("recontacted") == "on",
            recontact_note=request.POST.get("recontact_note", ""),
        ),
        _("Rectification closed."),
        "supervision:ledger",
    )


@login_required
@require_POST
def request_extension(request, case_pk):
    case = get_object_or_404(visible_cases(request.user), pk=case_pk)
    try:
        days = int(request.POST.get("days", "0"))
    except ValueError:
        days = 0
    return _done(
        request,
        lambda: services.request_extension(
            case, actor=request.user, days=days, reason=request.POST.get("reason", "")
        ),
        _("Extension requested; the center director decides."),
        f"/cases/{case.pk}/",
    )


@login_required
@require_POST
def appeal(request, case_pk):
    case = get_object_or_404(visible_cases(request.user), pk=case_pk)
    rating = get_object_or_404(Rating.objects.restrict(request.user, "view"), case=case)
    return _done(
        request,
        lambda: services.file_appeal(
            rating, actor=request.user, reason=request.POST.get("reason", "")
        ),
        _("Appeal filed for review."),
        f"/cases/{case.pk}/",
    )


@login_required
@require_POST
def record_rating(request, case_pk):
    """The villager's answer on the center's follow-up, or the agent's note of it; the
    lifecycle decides who may (403 for the others, who get no form)."""
    case = get_object_or_404(visible_cases(request.user), pk=case_pk)
    try:
        level = int(request.POST.get("level", "0"))
    except ValueError:
        level = 0
    return _done(
        request,
        lambda: lifecycle.rate(
            case.pk,
            level=level,
            channel=request.POST.get("channel", ""),
            comment=request.POST.get("comment", ""),
            actor=request.user,
        ),
        _("Rating recorded."),
        f"/cases/{case.pk}/",
    )


# ─── Public ──────────────────────────────────────────────────────────────────


@require_http_methods(["GET", "POST"])
def rate(request, token):
    invitation = get_object_or_404(
        RatingInvitation.objects.select_related("case__item"), token=token
    )
    case = invitation.case
    context = {"item": case.item.name, "levels": Rating.Level.choices, "token": token}
    # An agent's note is not the villager's answer: the link still asks for it.
    # The invitation's secret token opens its case's rating to the villager.
    if Rating.objects.unrestricted().filter(case=case, source__in=Rating.COUNTED).exists():
        context["done"] = True
        return render(request, "supervision/rate.html", context)
    if request.method == "POST":
        try:
            level = int(request.POST.get("level", "0"))
        except ValueError:
            level = 0
        try:
            lifecycle.rate(case.pk, level=level, comment=request.POST.get("comment", ""))
        except CaseError as exc:
            context["error"] = exc.message
        else:
            context["done"] = True
    return render(request, "supervision/rate.html", context)


@require_POST
def complain(request):
    """From the tracking page: the same code and digits prove the complaint is the resident's."""
    code = request.POST.get("code", "")
    attempt = throttle.take(request, code)
    if not attempt.allowed:
        # The same answer as the tracking page, whatever the digits: no oracle.
        return render(
            request,
            "portal/track.html",
            {"error": throttle.too_many_tries(), "code": throttle.normalize_code(code)},
            status=429,
        )
    case = find_for_tracking(code, request.POST.get("digits", ""))
    if case is None:
        return render(
            request,
            "portal/track.html",
            {"error": throttle.no_match(), "code": throttle.normalize_code(code)},
            status=404,
        )
    attempt.was_right()
    try:
        complaint = services.file_complaint(
            case, about=request.POST.get("about", ""), text=request.POST.get("text", "")
        )
    except CaseError as exc:
        return render(
            request,
            "portal/track.html",
            {"error": exc.message, "code": case.tracking_code},
            status=400,
        )
    return render(
        request, "portal/track.html", {"complained": complaint, "code": case.tracking_code}
    )


@login_required
def complaint_receipt(request, case_pk, pk):
    """投诉受理回执 as a PDF, for whoever may open the case (the same 404 otherwise)."""
    case = get_object_or_404(visible_cases(request.user), pk=case_pk)
    complaint = get_object_or_404(
        Complaint.objects.restrict(request.user, "view").select_related("case__item"),
        pk=pk,
        case=case,
    )
    return pdf_response(
        papers.complaint_receipt(complaint), f"complaint-{complaint.number}.pdf", request, case
    )
