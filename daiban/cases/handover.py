"""Handing several files over together: each one its own lifecycle step, one list."""

from django.db import transaction
from django.utils import timezone

from daiban.cases import lifecycle, routing
from daiban.cases.models import Case, HandoverBatch, Paper
from daiban.core.errors import CaseError
from daiban.people.models import User


def hand_over_batch(
    actor: User, cases: list[Case]
) -> tuple[HandoverBatch | None, list[tuple[Case, str]]]:
    """Send each file to its item's department (cases/routing.py) with every original the agent holds.

    A file that cannot go (someone changed it meanwhile) is reported and left out; the
    others still go. Returns the list (None if nothing went) and the failures.
    """
    failed = []
    with transaction.atomic():
        batch = HandoverBatch.objects.create(sent_by=actor, sent_at=timezone.now())
        sent = 0
        for case in cases:
            department = routing.township_department(case)
            papers = Paper.objects.filter(case=case, holder_user=actor, returned_at__isnull=True)
            try:
                with transaction.atomic():
                    lifecycle.hand_over(
                        case,
                        actor=actor,
                        to_department=department,
                        paper_ids=list(papers.values_list("pk", flat=True)),
                        batch=batch,
                    )
                sent += 1
            except CaseError as exc:
                failed.append((case, exc.message))
        if not sent:
            transaction.set_rollback(True)
            return None, failed
    return batch, failed
