from daiban.core.errors import CaseError, Conflict, Forbidden, Invalid, NotAllowed  # noqa: F401
