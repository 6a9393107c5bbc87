"""The county setup pages: upload a workbook, see the preview, apply the same file; the
launch page. Administrators only: the global one for any county, a county administrator for
their own (county supervisors may read the launch page of theirs)."""

import datetime
import hashlib
import re
import shutil
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from daiban.audit import trail
from daiban.people.models import Role
from daiban.places.models import County
from daiban.rollout import vocabulary
from daiban.rollout.importer import import_county, what_label
from daiban.rollout.launch import county_readiness
from daiban.rollout.models import Upload
from daiban.rollout.workbook import Unreadable, credentials, template

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_FILES = 4


def uploads_dir() -> Path:
    path = Path(settings.VAR_DIR) / "rollout"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def administrators_only(view):
    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if request.user.role not in (Role.ADMINISTRATOR, Role.COUNTY_ADMINISTRATOR):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _only_county(user) -> str:
    """The division code a county administrator may import; empty for the global one."""
    if user.role == Role.COUNTY_ADMINISTRATOR:
        return user.county.code
    return ""


def _saved_files(upload: Upload) -> list[tuple[str, bytes]]:
    folder = uploads_dir() / str(upload.token)
    return [(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if p.name != "out"]


def _digest(files) -> str:
    h = hashlib.sha256()
    for name, raw in files:
        h.update(name.encode() + b"\0" + raw)
    return h.hexdigest()


def _summary(report):
    rows = []
    for what, counts in report.counts().items():
        rows.append((what_label(what), counts["create"], counts["update"], counts["same"]))
    return rows


@administrators_only
@require_http_methods(["GET", "POST"])
def upload(request):
    if request.method == "GET":
        return render(request, "rollout/upload.html", {})
    files = request.FILES.getlist("workbook")
    if not files or len(files) > MAX_FILES:
        return render(
            request,
            "rollout/upload.html",
            {"error": _("Choose the workbook (.xlsx) or up to four CSV files.")},
            status=400,
        )
    contents = []
    for f in files:
        name = _safe_name(f.name)
        if Path(name).suffix.lower() not in (".xlsx", ".xlsm", ".csv"):
            return render(
                request,
                "rollout/upload.html",
                {
                    "error": _("%(file)s: give an Excel workbook (.xlsx) or CSV files.")
                    % {"file": name}
                },
                status=400,
            )
        if f.size > settings.DAIBAN_UPLOAD_MAX_BYTES:
            return render(
                request,
                "rollout/upload.html",
                {"error": _("%(file)s is too large.") % {"file": name}},
                status=400,
            )
        contents.append((name, f.read()))
    _forget_old_uploads()
    upload = Upload.objects.create(
        uploaded_by=request.user,
        file_name=", ".join(n for n, _raw in contents)[:200],
        sha256=_digest(contents),
    )
    folder = uploads_dir() / str(upload.token)
    folder.mkdir(mode=0o700)
    for name, raw in contents:
        (folder / name).write_bytes(raw)
    return redirect("rollout:preview", token=upload.token)


KEEP_UPLOADS = datetime.timedelta(days=1)


def _forget_old_uploads():
    """Files of previews never applied, and credentials never downloaded, go after a day."""
    for upload in Upload.objects.filter(uploaded_at__lt=timezone.now() - KEEP_UPLOADS):
        shutil.rmtree(uploads_dir() / str(upload.token), ignore_errors=True)


def _safe_name(name: str) -> str:
    """区划.csv stays; anything that could leave the upload's folder does not."""
    name = re.sub(r"[^\w.\-]", "_", Path(name or "").name).lstrip(".")
    return name[:100] or "upload"


def _mine(request, token) -> Upload:
    return get_object_or_404(Upload, token=token, uploaded_by=request.user)


@administrators_only
@require_GET
def preview(request, token):
    upload = _mine(request, token)
    if upload.applied_at:
        return redirect("rollout:done", token=upload.token)
    try:
        report = import_county(
            _saved_files(upload),
            actor=request.user,
            dry_run=True,
            only_county=_only_county(request.user),
        )
    except Unreadable as exc:
        return render(request, "rollout/upload.html", {"error": str(exc)}, status=400)
    return render(
        request,
        "rollout/preview.html",
        {
            "upload": upload,
            "report": report,
            "summary": _summary(report),
            "changes": [c for c in report.changes if c.action != "same"],
        },
    )


@administrators_only
@require_POST
def apply(request, token):
    with transaction.atomic():
        # Locked: a double click or a second tab waits, then finds it applied.
        upload = get_object_or_404(
            Upload.objects.select_for_update(), token=token, uploaded_by=request.user
        )
        if upload.applied_at:
            return redirect("rollout:done", token=upload.token)
        files = _saved_files(upload)
        if _digest(files) != upload.sha256:
            raise Http404
        report = import_county(files, actor=request.user, only_county=_only_county(request.user))
        if not report.ok:
            return redirect("rollout:preview", token=upload.token)
        upload.applied_at = timezone.now()
        upload.save(update_fields=["applied_at"])
    folder = uploads_dir() / str(upload.token)
    for path in folder.iterdir():
        path.unlink()
    if report.credentials:
        (folder / "out").write_bytes(credentials(report.credentials))
    request.session[f"rollout-{upload.token}"] = {
        "summary": _summary(report),
        "county": report.county_code,
    }
    return redirect("rollout:done", token=upload.token)


@administrators_only
@require_GET
def done(request, token):
    upload = _mine(request, token)
    if not upload.applied_at:
        return redirect("rollout:preview", token=upload.token)
    has_credentials = (uploads_dir() / str(upload.token) / "out").exists()
    result = request.session.get(f"rollout-{upload.token}") or {}
    return render(
        request,
        "rollout/done.html",
        {
            "upload": upload,
            "summary": result.get("summary", []),
            "county": result.get("county", ""),
            "has_credentials": has_credentials,
        },
    )


@administrators_only
@require_POST
def credentials_file(request, token):
    """The one-time passwords, given once: the file is deleted as it is sent."""
    upload = _mine(request, token)
    folder = uploads_dir() / str(upload.token)
    path = folder / "out"
    if not path.exists():
        raise Http404
    data = path.read_bytes()
    shutil.rmtree(folder, ignore_errors=True)
    trail.record("county.credentials", user=request.user, obj=upload)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="credentials.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


@administrators_only
@require_GET
def template_file(request):
    data = template(vocabulary.township_kind_words(), vocabulary.role_words())
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="county-template.xlsx"'
    return response


@login_required
@require_GET
def launch(request, code):
    user = request.user
    county = get_object_or_404(County, code=code)
    allowed = user.role == Role.ADMINISTRATOR or (
        user.role in (Role.COUNTY_SUPERVISOR, Role.COUNTY_ADMINISTRATOR)
        and user.county_id == county.id
    )
    if not allowed:
        raise Http404
    rows = county_readiness(county)
    return render(
        request,
        "rollout/launch.html",
        {
            "county": county,
            "rows": rows,
            "live": sum(r.live for r in rows),
            "ready": sum(r.ready for r in rows),
        },
    )
