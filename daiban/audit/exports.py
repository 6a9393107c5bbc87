"""A file a user takes away (a report, a sheet) is written to the audit trail first."""

from daiban.audit import trail
from daiban.core.downloads import attachment


def download(request, kind: str, body: bytes, filename: str, content_type: str):
    """A file for the user to keep, written to the audit trail."""
    trail.record(f"export.{kind}", user=request.user, detail={"file": filename})
    return attachment(body, filename, content_type)
