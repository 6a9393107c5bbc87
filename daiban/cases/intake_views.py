"""Inquiry (问事) and acceptance (受理): the agent's first two steps with a villager."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daiban.cases import duplicates, lifecycle
from daiban.cases.forms import ChecklistForm, InquiryForm, ReasonForm
from daiban.cases.models import Case, State
from daiban.cases.scoping import visible_cases
from daiban.catalog.county import county_of_user, county_of_village, items_for
from daiban.catalog.selectors import current_guide, search_items
from daiban.core.errors import CaseError
from daiban.core.inputs import as_id
from daiban.people.selectors import visible_residents

ITEM_LIMIT = 20


@login_required
def inquiry(request):
    """Search the guide, show an item's guide, record the question, open a case in one tap."""
    q = request.GET.get("q", "")
    resident = visible_residents(request.user).filter(pk=as_id(request.GET.get("resident"))).first()
    # The items of the county the resident lives in (catalog.county): one switched off
    # there is neither found nor chosen.
    county = county_of_village(resident.village) if resident else county_of_user(request.user)
    offered = items_for(county)
    item = offered.filter(pk=as_id(request.GET.get("item"))).first()
    form = InquiryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        village = resident.village if resident else request.user.village
        if village is None:
            messages.error(request, _("Choose the resident first."))
        else:
            try:
                recorded = lifecycle.record_inquiry(
                    actor=request.user,
                    village=village,
                    item=item,
                    resident=resident,
                    **form.cleaned_data,
                )
                if "open_case" in request.POST:
                    if resident is None or item is None:
                        raise CaseError(_("Choose the resident and the item to open a case."))
                    if (duplicate := duplicates.open_case_for(resident, item)) is not None:
                        return _duplicate(request, duplicate, resident, item)
                    case = lifecycle.start_case(
                        actor=request.user, resident=resident, item=item, inquiry=recorded
                    )
                    return redirect("cases:accept", pk=case.pk)
            except CaseError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Inquiry recorded."))
                return redirect("cases:home")
    context = {
        "q": q,
        "items": search_items(q).filter(pk__in=offered.values("pk"))[:ITEM_LIMIT] if q else [],
        "item": item,
        "materials": item.materials.all() if item else [],
        "resident": resident,
        "form": form,
    }
    return render(request, "cases/inquiry.html", context)


@login_required
@require_POST
def start(request):
    resident = get_object_or_404(
        visible_residents(request.user), pk=as_id(request.POST.get("resident"))
    )
    item = get_object_or_404(
        items_for(county_of_village(resident.village)), pk=as_id(request.POST.get("item"))
    )
    duplicate = duplicates.open_case_for(resident, item)
    if duplicate is not None and not request.POST.get("duplicate_ok"):
        return _duplicate(request, duplicate, resident, item)
    try:
        case = lifecycle.start_case(actor=request.user, resident=resident, item=item)
    except CaseError as exc:
        messages.error(request, exc.message)
        return redirect(f"/inquiries/new/?item={item.pk}&resident={resident.pk}")
    return redirect("cases:accept", pk=case.pk)


def _duplicate(request, duplicate: Case, resident, item):
    """The villager already has this item open: offer that case, or a new one on purpose."""
    return render(
        request,
        "cases/duplicate.html",
        {"duplicate": duplicate, "resident": resident, "item": item},
        status=409,
    )


@login_required
def accept(request, pk):
    case = get_object_or_404(
        visible_cases(request.user).select_related("item", "resident", "village"), pk=pk
    )
    if case.state not in (State.PENDING, State.AWAITING_MATERIALS) or case.accepted_at:
        return redirect("cases:detail", pk=case.pk)
    # A read: the guide is frozen as a version by lifecycle.accept, not by the page.
    version = current_guide(case.item)
    form = ChecklistForm(
        request.POST or None, materials=version.materials, **_second_visit(case, version)
    )
    if request.method == "POST" and form.is_valid():
        try:
            done = _decide(request, case, form)
        except CaseError as exc:
            messages.error(request, exc.message)
            for field, errors in exc.fields.items():
                if field in form.fields:
                    form.add_error(field, errors)
        else:
            messages.success(request, done)
            return redirect("cases:detail", pk=case.pk)
    return render(
        request,
        "cases/accept.html",
        {"case": case, "form": form, "version": version, "refuse_form": ReasonForm()},
    )


def _second_visit(case: Case, version) -> dict:
    """After a supplement notice: what was received stays ticked, what was missing is marked."""
    notice = case.supplement_notices.order_by("-issued_at").first()
    if notice is None:
        return {}
    missing = {row["material_id"] for row in notice.missing}
    return {
        "kept": [m["id"] for m in version.materials if m["id"] not in missing],
        "missing": missing,
    }


def _decide(request, case: Case, form: ChecklistForm) -> str:
    actor = request.user
    if "supplement" in request.POST:
        lifecycle.request_supplement(
            case.pk, actor=actor, missing=form.missing(), note=form.cleaned_data["note"]
        )
        return _("Supplement notice issued; print it and give it to the resident.")
    if "refuse" in request.POST:
        lifecycle.refuse(case.pk, actor=actor, reason=form.cleaned_data["note"])
        return _("Refused; print the refusal notice for the resident.")
    lifecycle.accept(case.pk, actor=actor, received=form.received(), entrustment=form.entrustment())
    return _("Accepted; print the receipt for the resident.")
