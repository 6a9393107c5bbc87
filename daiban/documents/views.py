"""PDF downloads; each goes through the same scoping as the case page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from daiban.audit import trail
from daiban.cases.models import HandoverBatch, State, SupplementNotice
from daiban.cases.scoping import visible_cases
from daiban.documents import papers
from daiban.people.services import reveal

FULL_ID_REASON = "打印委托书（含完整身份证号）交承办部门"


def pdf_response(content: bytes, filename: str, request=None, obj=None) -> HttpResponse:
    """A paper as an inline PDF, its download recorded in the audit trail."""
    if request is not None:
        trail.record("export.pdf", user=request.user, obj=obj, detail={"file": filename})
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


_pdf = pdf_response


def _case(request, pk):
    cases = visible_cases(request.user).select_related(
        "item", "resident", "resident__hamlet", "village", "township__center", "agent"
    )
    return get_object_or_404(cases, pk=pk)


@login_required
def receipt(request, pk):
    case = _case(request, pk)
    if case.number is None:
        messages.error(request, _("A receipt is printed once the case is accepted."))
        return redirect("cases:detail", pk=case.pk)
    return _pdf(papers.receipt(case), f"receipt-{case.number}.pdf", request, case)


@login_required
def entrustment(request, pk):
    """Masked by default. Posted from the case page, the letter carries the resident's
    full ID number, which the department must see: only for those who may reveal it, and
    every such print is a reveal in the audit trail."""
    case = _case(request, pk)
    id_number = None
    if request.method == "POST":
        try:
            id_number = reveal(
                case.resident, actor=request.user, field="id_number", reason=FULL_ID_REASON
            )
        except PermissionError:
            raise Http404 from None
    return _pdf(
        papers.entrustment(case, id_number=id_number), f"entrustment-{case.pk}.pdf", request, case
    )


@login_required
def supplement(request, pk, notice_pk):
    case = _case(request, pk)
    notice = get_object_or_404(
        SupplementNotice.objects.select_related("issued_by"), pk=notice_pk, case=case
    )
    notice.case = case
    return _pdf(
        papers.supplement_notice(notice), f"supplement-{case.pk}-{notice.pk}.pdf", request, case
    )


@login_required
def refusal(request, pk):
    case = _case(request, pk)
    if case.state != State.REFUSED:
        messages.error(request, _("Only a refused case has a refusal notice."))
        return redirect("cases:detail", pk=case.pk)
    return _pdf(papers.refusal_notice(case), f"refusal-{case.pk}.pdf", request, case)


@login_required
def handover_list(request, pk):
    batch = get_object_or_404(
        HandoverBatch.objects.restrict(request.user, "view").select_related("sent_by__village"),
        pk=pk,
    )
    return _pdf(papers.handover_list(batch), f"handover-{batch.pk}.pdf", request, batch)


@login_required
def petition_notice(request, pk):
    case = _case(request, pk)
    if not case.petition_decision:
        messages.error(request, _("The written notice is printed once the petition is decided."))
        return redirect("cases:detail", pk=case.pk)
    return _pdf(papers.petition_notice(case), f"petition-notice-{case.pk}.pdf", request, case)


@login_required
def delivery_receipt(request, pk):
    case = _case(request, pk)
    if not case.outcome:
        messages.error(request, _("A delivery receipt is printed once the result is recorded."))
        return redirect("cases:detail", pk=case.pk)
    return _pdf(papers.delivery_receipt(case), f"delivery-{case.pk}.pdf", request, case)
