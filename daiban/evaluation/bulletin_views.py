"""通报 pages: the county supervisor drafts, edits and publishes; staff read; the public
page (portal) shows the commended names."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from daiban.core.errors import CaseError
from daiban.core.periods import parse_month
from daiban.figures.monthly import previous_month
from daiban.places.models import County

from . import bulletins
from .models import Bulletin


class EditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=120)
    body = forms.CharField(
        label=gettext_lazy("Text"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


def _entries(bulletin: Bulletin, side: str) -> list[dict]:
    return [
        {**e, "why": bulletins.why(e), "kept": e["key"] not in bulletin.left_out}
        for e in bulletin.entries
        if e["side"] == side
    ]


@login_required
def index(request):
    user = request.user
    county_id = bulletins.county_of(user)
    context = {
        "bulletins": bulletins.visible(user)[:24],
        "may_draft": county_id is not None and bulletins.may_edit(user, county_id),
        "month": previous_month(timezone.localdate()),
    }
    return render(request, "evaluation/bulletins.html", context)


@login_required
@require_POST
def draft(request):
    county_id = bulletins.county_of(request.user)
    if county_id is None or not bulletins.may_edit(request.user, county_id):
        raise PermissionDenied(_("The county supervisor drafts, edits and publishes the bulletin."))
    month = parse_month(request.POST.get("month", ""))
    if month is None:
        messages.error(request, _("Enter the month as YYYY-MM."))
        return redirect("evaluation:bulletins")
    try:
        bulletin = bulletins.draft(County.objects.get(pk=county_id), month, actor=request.user)
    except CaseError as error:
        messages.error(request, error.message)
        return redirect("evaluation:bulletins")
    messages.success(request, _("Drafted from the month's rankings and supervision."))
    return redirect("evaluation:bulletin", pk=bulletin.pk)


@login_required
def detail(request, pk):
    bulletin = get_object_or_404(bulletins.visible(request.user), pk=pk)
    editing = bulletin.status == Bulletin.Status.DRAFT and bulletins.may_edit(
        request.user, bulletin.county_id
    )
    context = {
        "bulletin": bulletin,
        "commended": _entries(bulletin, "commended"),
        "criticised": _entries(bulletin, "criticised"),
        "editing": editing,
    }
    if editing:
        context["form"] = EditForm(
            initial={"version": bulletin.version, "title": bulletin.title, "body": bulletin.body}
        )
    return render(request, "evaluation/bulletin.html", context)


@login_required
@require_POST
def edit(request, pk):
    bulletin = get_object_or_404(bulletins.visible(request.user), pk=pk)
    form = EditForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect("evaluation:bulletin", pk=bulletin.pk)
    try:
        bulletins.edit(
            bulletin.pk,
            actor=request.user,
            version=form.cleaned_data["version"],
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            left_out=[
                e["key"] for e in bulletin.entries if e["key"] not in request.POST.getlist("keep")
            ],
        )
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("evaluation:bulletin", pk=bulletin.pk)


@login_required
@require_POST
def publish(request, pk):
    bulletin = get_object_or_404(bulletins.visible(request.user), pk=pk)
    try:
        bulletins.publish(bulletin.pk, actor=request.user)
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Published: staff and the public site show it now."))
    return redirect("evaluation:bulletin", pk=bulletin.pk)
