"""Scans and photos: checked by content (not by name), re-encoded to drop anything
hidden in them, encrypted at rest, and opened only by the people who handle the case."""

import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from daiban.audit import trail
from daiban.cases.models import Attachment, Case
from daiban.core import access
from daiban.core.errors import Invalid
from daiban.people import crypto
from daiban.people.models import User

ACCEPTED = {"JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"}
MAX_PIXELS = 40_000_000
MAX_SIDE = 3000


def folder() -> Path:
    path = Path(settings.VAR_DIR) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(attachment: Attachment) -> Path:
    return folder() / f"{attachment.uid}.bin"


def _reencode(data: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as probe:
            kind = probe.format
            if kind not in ACCEPTED:
                raise Invalid(
                    _("Only photos and scans (JPEG, PNG …) can be kept."),
                    {"file": [_("Not an image.")]},
                )
            if probe.width * probe.height > MAX_PIXELS:
                raise Invalid(_("The image is too large."), {"file": [_("Too many pixels.")]})
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = image.convert("RGB")  # type: ignore[assignment]

            image.thumbnail((MAX_SIDE, MAX_SIDE))
            out = io.BytesIO()
            image.save(out, format="JPEG", quality=85, optimize=True)  # no EXIF, no extra chunks
            return out.getvalue()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise Invalid(
            _("This file is not a readable photo or scan."), {"file": [_("Not an image.")]}
        ) from None


def may_open(user: User, case: Case) -> bool:
    """Agents of the village, the director, clerks who handle the file, administrators:
    the scans' rule (`cases/access.py`), also before the case has a scan."""
    from daiban.cases.scoping import visible_cases

    if access.condition(Attachment, user) is None:
        return False
    return visible_cases(user).filter(pk=case.pk).exists()


def store(case: Case, *, actor: User, kind: str, upload: "UploadedFile[Any]") -> Attachment:
    if not may_open(actor, case):
        raise PermissionError("not allowed")
    if kind not in Attachment.Kind.values:
        raise Invalid(_("Say what the scan shows."), {"kind": [_("Choose one.")]})
    if upload.size > settings.DAIBAN_UPLOAD_MAX_BYTES:  # type: ignore[operator]
        raise Invalid(
            _("The file is larger than %(mb)d MB.")
            % {"mb": settings.DAIBAN_UPLOAD_MAX_BYTES // (1024 * 1024)},
            {"file": [_("Too large.")]},
        )
    clean = _reencode(upload.read(settings.DAIBAN_UPLOAD_MAX_BYTES + 1))
    attachment = Attachment(
        case=case, kind=kind, content_type="image/jpeg", size=len(clean), uploaded_by=actor
    )
    path_of(attachment).write_bytes(crypto.encrypt_bytes(clean))
    attachment.save()
    trail.record(
        "attachment.upload", user=actor, obj=attachment, detail={"case": case.pk, "kind": kind}
    )
    return attachment


def read(attachment: Attachment, *, actor: User) -> bytes:
    if not may_open(actor, attachment.case):
        trail.record("attachment.view", user=actor, obj=attachment, outcome="denied")
        raise PermissionError("not allowed")
    trail.record("attachment.view", user=actor, obj=attachment, detail={"case": attachment.case_id})
    return crypto.decrypt_bytes(path_of(attachment).read_bytes())


def rotate(attachment: Attachment) -> None:
    path = path_of(attachment)
    if path.exists():
        path.write_bytes(crypto.rotate_bytes(path.read_bytes()))


def remove(attachment: Attachment) -> None:
    path_of(attachment).unlink(missing_ok=True)
    attachment.delete()
