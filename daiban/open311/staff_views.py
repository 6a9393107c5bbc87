"""The agent's side of Open311: a request filed by a hotline waits on the home page until
the agent turns it into a case or records the answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daiban.cases import lifecycle
from daiban.core.errors import CaseError
from daiban.open311 import services
from daiban.people.phone import mask_phone
from daiban.people.selectors import visible_residents


def _pk(value) -> int:
    """A resident id from a form or a link; anything else finds nobody."""
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) < 19 else 0


def _request_for(request, public_id):
    return get_object_or_404(services.visible_requests(request.user), public_id=public_id)


@login_required
def detail(request, public_id):
    sr = _request_for(request, public_id)
    inquiry = sr.inquiry
    resident = (
        visible_residents(request.user)
        .filter(pk=_pk(request.GET.get("resident")), village_id=inquiry.village_id)
        .first()
    )
    here = reverse("open311_staff:detail", args=[sr.public_id])
    context = {
        "sr": sr,
        "inquiry": inquiry,
        "open": not inquiry.answer and not hasattr(inquiry, "case"),
        "resident": resident,
        "phone": None,
        "masked": mask_phone(services.crypto.decrypt(sr.phone_encrypted)),
        "find": "/residents/?" + urlencode({"q": inquiry.asker_name, "next": here}),
    }
    if request.method == "POST" and "reveal" in request.POST:
        context["phone"] = services.reveal_phone(sr, actor=request.user)
    response = render(request, "open311/request.html", context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def open_case(request, public_id):
    sr = _request_for(request, public_id)
    resident = get_object_or_404(
        visible_residents(request.user), pk=_pk(request.POST.get("resident"))
    )
    try:
        case = lifecycle.start_case(
            actor=request.user, resident=resident, item=sr.inquiry.item, inquiry=sr.inquiry
        )
    except CaseError as exc:
        messages.error(request, exc.message)
        return redirect("open311_staff:detail", public_id=sr.public_id)
    return redirect("cases:accept", pk=case.pk)


@login_required
@require_POST
def answer(request, public_id):
    sr = _request_for(request, public_id)
    try:
        services.answer_request(sr, actor=request.user, text=request.POST.get("answer", ""))
    except CaseError as exc:
        messages.error(request, exc.message)
        return redirect("open311_staff:detail", public_id=sr.public_id)
    messages.success(request, _("Answer recorded."))
    return redirect("cases:home")
