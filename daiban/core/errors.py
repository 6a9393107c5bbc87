"""What the lifecycle says when it refuses; every message is for the person acting."""


class CaseError(Exception):
    code = "case_error"

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class NotAllowed(CaseError):
    """The case's state does not allow this step."""

    code = "not_allowed"


class Forbidden(CaseError):
    """This person may not take this step on this case."""

    code = "forbidden"


class Conflict(CaseError):
    """Someone else changed the case first."""

    code = "conflict"


class Invalid(CaseError):
    """The input is incomplete or wrong; `fields` says where."""

    code = "invalid"
