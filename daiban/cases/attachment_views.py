from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from daiban.cases import attachments
from daiban.cases.models import Attachment
from daiban.cases.scoping import visible_cases
from daiban.core.errors import CaseError
from daiban.people.requests import StaffRequest


@login_required
@require_POST
def upload(request: StaffRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(visible_cases(request.user), pk=pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a photo or scan to upload."))
        return redirect("cases:detail", pk=case.pk)
    try:
        attachments.store(
            case, actor=request.user, kind=request.POST.get("kind", ""), upload=upload
        )
    except PermissionError:
        raise Http404 from None
    except CaseError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Scan kept, encrypted."))
    return redirect("cases:detail", pk=case.pk)


@login_required
def download(request: StaffRequest, pk: int, attachment_pk: int) -> HttpResponse:
    case = get_object_or_404(visible_cases(request.user), pk=pk)
    attachment = get_object_or_404(
        Attachment.objects.restrict(request.user, "view"), pk=attachment_pk, case=case
    )
    try:
        content = attachments.read(attachment, actor=request.user)
    except PermissionError:
        raise Http404 from None
    response = HttpResponse(content, content_type=attachment.content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="scan-{attachment.pk}.jpg"'
    return response
