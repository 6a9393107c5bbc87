"""宣传 pages: the writers' list and form (staff), the public list, one notice, and its
poster for the notice board."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from daiban.core.errors import CaseError

from . import publicity
from .documents import notice_poster
from .models import Notice


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Notice.Kind.choices)
    title = forms.CharField(label=gettext_lazy("Title"), max_length=60)
    body = forms.CharField(
        label=gettext_lazy("Text"),
        min_length=10,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


def _errors(request, form) -> None:
    for errors in form.errors.values():
        messages.error(request, errors[0])


@login_required
def manage(request):
    if not publicity.may_write(request.user):
        raise PermissionDenied(_("The center director or the county supervisor writes notices."))
    form = NoticeForm(request.POST or None)
    if request.method == "POST":
        if not form.is_valid():
            _errors(request, form)
        else:
            try:
                notice = publicity.write(actor=request.user, **form.cleaned_data)
            except CaseError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Saved as a draft."))
                return redirect("portal:notice_edit", pk=notice.pk)
    return render(
        request,
        "portal/notices_manage.html",
        {"form": form, "notices": publicity.writable(request.user)[:50]},
    )


@login_required
def edit(request, pk):
    notice = get_object_or_404(publicity.writable(request.user), pk=pk)
    form = NoticeForm(
        request.POST or None,
        initial={"kind": notice.kind, "title": notice.title, "body": notice.body},
    )
    if request.method == "POST":
        if not form.is_valid():
            _errors(request, form)
        else:
            try:
                publicity.edit(
                    notice.pk,
                    actor=request.user,
                    version=int(request.POST.get("version") or 0),
                    **form.cleaned_data,
                )
            except CaseError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Saved."))
        return redirect("portal:notice_edit", pk=notice.pk)
    return render(request, "portal/notice_edit.html", {"notice": notice, "form": form})


@login_required
@require_POST
def publish(request, pk):
    notice = get_object_or_404(publicity.writable(request.user), pk=pk)
    try:
        publicity.publish(notice.pk, actor=request.user)
    except CaseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Published on the public site and the village pages."))
    return redirect("portal:notice_edit", pk=notice.pk)


def news(request):
    return render(request, "portal/news.html", {"notices": publicity.public()[:30]})


def notice(request, pk):
    return render(
        request, "portal/notice.html", {"notice": get_object_or_404(publicity.public(), pk=pk)}
    )


def poster(request, pk):
    notice = get_object_or_404(publicity.public(), pk=pk)
    size = request.GET.get("size", "A4").upper()
    if size not in ("A3", "A4"):
        return render(
            request,
            "bad_input.html",
            {"message": _("The poster is printed on A4 or A3.")},
            status=400,
        )
    body = notice_poster(notice, size, timezone.localdate())
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{notice.pk}-{size}.pdf"'
    return response
