"""Files handed to the user: spreadsheets, PDFs, exports."""

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(body: bytes, filename: str, content_type: str) -> HttpResponse:
    """A response the browser saves as `filename` instead of showing it."""
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
