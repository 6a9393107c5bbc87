"""One error shape everywhere: {"code", "message", "fields"}, in the caller's language."""

from django.http import Http404
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from daiban.core.errors import CaseError, Conflict, Forbidden, Invalid, NotAllowed

STATUS = {Invalid: 422, Forbidden: 403, NotAllowed: 409, Conflict: 409}


def body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"code": code, "message": str(message), "fields": fields or {}}


def install(api) -> None:
    @api.exception_handler(CaseError)
    def case_error(request, exc: CaseError):
        status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)
        return api.create_response(request, body(exc.code, exc.message, exc.fields), status=status)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request, exc: NinjaValidationError):
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            location = [
                str(part)
                for part in error.get("loc", [])
                if part not in ("body", "query", "path", "payload")
            ]
            fields.setdefault(".".join(location) or "request", []).append(error.get("msg", ""))
        return api.create_response(
            request, body("invalid", _("Some fields are missing or wrong."), fields), status=422
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, body("not_found", _("Not found.")), status=404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(
            request,
            body("unauthenticated", _("Send a valid token: Authorization: Bearer <token>.")),
            status=401,
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return api.create_response(request, body("error", str(exc)), status=exc.status_code)
