"""Who sees which cases and the rows that belong to a case (papers, handover lists,
ratings, scans, inquiries): the rules `core.access` applies for every page, PDF, export
and API operation. A case outside a person's scope is treated exactly like a case that
does not exist."""

from django.db.models import Q

from daiban.core import access
from daiban.people.models import Role
from daiban.places.models import Department, Township


def case_rule(user, action: str) -> Q | None:
    role = user.role
    if role == Role.ADMINISTRATOR:
        return Q()
    if role == Role.VILLAGE_AGENT:
        return Q(village_id=user.village_id, is_petition=False)
    if role == Role.PETITION_AGENT:
        return Q(village_id=user.village_id, is_petition=True)
    if role == Role.DEPARTMENT_CLERK:
        return Q(pk__in=_hops(Q(holder_department_id=user.department_id)))
    if role == Role.TOWNSHIP_AGENT:
        # Files of the own department, and every file of the township that goes to the county.
        return Q(
            pk__in=_hops(
                Q(holder_department_id=user.department_id)
                | Q(
                    holder_department__level=Department.Level.COUNTY,
                    case__township_id=user.department.township_id,
                )
            )
        )
    if role == Role.CENTER_DIRECTOR:
        return _township_or_transferred(user.township_id)
    if role == Role.TOWNSHIP_LEADER:
        return _township_or_transferred(user.township_id) & Q(is_petition=False)
    if role == Role.COUNTY_SUPERVISOR:
        return Q(township_id__in=_townships_of(user), is_petition=False)
    if role == Role.PETITION_BUREAU:
        # The county's 信访局 answers for petitions only: the top of the petition line.
        return Q(township_id__in=_townships_of(user), is_petition=True)
    return None


def _hops(condition: Q):
    from daiban.cases.models import Hop

    return Hop.objects.filter(condition).values("case_id")


def _township_or_transferred(township_id: int) -> Q:
    """A case sent to or from the township: both centers see it and its history.

    The few case ids are read first and named in the condition: `township = t OR id IN
    (subquery)` kept PostgreSQL from counting a township's cases from its index alone
    (372 ms against 16 ms for 106,000 of 2.1 million cases); with no transfer at all the
    condition is the township's alone."""
    from daiban.cases.models import Transfer

    ids = list(
        Transfer.objects.filter(Q(from_township_id=township_id) | Q(to_township_id=township_id))
        .order_by()
        .values_list("case_id", flat=True)
        .distinct()
    )
    own = Q(township_id=township_id)
    return own | Q(pk__in=ids) if ids else own


def _townships_of(user):
    """The county's townships as a subquery: with a join to the townships instead, SQLite
    sorts every case of the county before it can page (measured 0.8 s against 20 ms on
    300,000 cases)."""
    return Township.objects.filter(county_id=user.county_id).values("pk")


def of_visible_cases(path: str = "case"):
    """A rule for rows that belong to a case: the person's cases' rows.

    The case's condition is applied through the join (`case__township_id__in=…`), not as
    `case IN (every visible case)`: SQLite built that list of a county's 2.1 M cases to
    keep the few pending appeals or rectifications, 1.3–1.6 s a page."""
    from daiban.cases.models import Case

    def rule(user, action: str) -> Q | None:
        found = access.condition(Case, user, action)
        return None if found is None else _through(path, found)

    return rule


def _through(path: str, condition: Q) -> Q:
    """`condition` on Case, said of the rows whose `path` leads to the case."""
    relabelled = Q()
    relabelled.connector, relabelled.negated = condition.connector, condition.negated
    for child in condition.children:
        if isinstance(child, Q):
            relabelled.children.append(_through(path, child))
        elif isinstance(child, tuple):
            relabelled.children.append((f"{path}__{child[0]}", child[1]))
        else:  # an expression would need its own references rewritten
            raise TypeError(f"A case rule may only use field lookups, not {child!r}")
    return relabelled


def attachment_rule(user, action: str) -> Q | None:
    """Scans need more than seeing the case: leaders and supervisors never open them."""
    if user.role in (Role.TOWNSHIP_LEADER, Role.COUNTY_SUPERVISOR):
        return None
    return of_visible_cases()(user, action)


def inquiry_rule(user, action: str) -> Q | None:
    """The agent's own questions and the village's; the director's township; all for
    administrators."""
    if user.role == Role.ADMINISTRATOR:
        return Q()
    if user.role == Role.CENTER_DIRECTOR:
        return Q(village__township_id=user.township_id)
    if user.village_id:
        return Q(agent=user) | Q(village_id=user.village_id)
    return Q(agent=user)


def handover_rule(user, action: str) -> Q | None:
    """The list's sender, and whoever sees one of the cases on it."""
    from daiban.cases.models import Hop

    listed = Hop.objects.filter(
        case__in=access.restricted("cases.Case", user, action).values("pk"), batch__isnull=False
    )
    return Q(sent_by=user) | Q(pk__in=listed.values("batch_id"))


def register() -> None:
    from daiban.cases.models import Attachment, Case, HandoverBatch, Inquiry, Paper, Rating

    access.register(Case, case_rule)
    access.register(Paper, of_visible_cases())
    access.register(Rating, of_visible_cases())
    access.register(Attachment, attachment_rule)
    access.register(Inquiry, inquiry_rule)
    access.register(HandoverBatch, handover_rule)
