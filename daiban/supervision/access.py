"""Who sees which supervision rows: those of the cases they see (`cases/access.py`)."""

from daiban.cases.access import of_visible_cases
from daiban.core import access


def register() -> None:
    from daiban.supervision.models import Appeal, Complaint, Extension, Rectification, Supervision

    for model in (Complaint, Extension, Rectification, Supervision):
        access.register(model, of_visible_cases())
    access.register(Appeal, of_visible_cases("rating__case"))
