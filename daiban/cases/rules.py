"""Who may take which step: plain predicates the lifecycle asks."""

from daiban.catalog.models import ServiceItem
from daiban.people.models import Role, User
from daiban.places.models import Department, Village


def is_admin(actor: User) -> bool:
    return actor.role == Role.ADMINISTRATOR


def may_take(actor: User, village: Village, item: ServiceItem) -> bool:
    """Open, accept, refuse or send back a case for a resident of this village.

    Petitions belong to the village's petition agent and no other agent.
    """
    if is_admin(actor):
        return True
    if actor.role == Role.VILLAGE_AGENT:
        return actor.village_id == village.id and not item.is_petition
    if actor.role == Role.PETITION_AGENT:
        return actor.village_id == village.id and item.is_petition
    if actor.role == Role.CENTER_DIRECTOR:
        return actor.township_id == village.township_id
    return False


def directs(actor: User, township_id: int) -> bool:
    """The administrator, or the center director of that township (transfers)."""
    return is_admin(actor) or (
        actor.role == Role.CENTER_DIRECTOR and actor.township_id == township_id
    )


def holds(actor: User, held, township_id: int) -> bool:
    """Whether the actor holds `held` (a hop's file or a paper) and may act on it."""
    if is_admin(actor):
        return True
    if held.holder_user_id is not None:
        return actor.id == held.holder_user_id
    department: Department = held.holder_department
    if actor.department_id == department.id:
        return True
    if department.level == Department.Level.TOWNSHIP:
        return actor.role == Role.CENTER_DIRECTOR and actor.township_id == department.township_id
    # County bureaus rarely use the system: the township agents carry files there and back.
    return (
        actor.role == Role.TOWNSHIP_AGENT
        and actor.department is not None
        and actor.department.township_id == township_id
    )


def responsible_agent(village: Village, item: ServiceItem) -> User | None:
    role = Role.PETITION_AGENT if item.is_petition else Role.VILLAGE_AGENT
    return User.objects.filter(village=village, role=role, is_active=True).order_by("id").first()


def rating_source(actor: User | None, case) -> str | None:
    """Whose answer a rating recorded by `actor` is, or None if they may not record one.

    A rating is the villager's: through the link in the text message (no actor), or asked
    on a follow-up call or visit by the center (its director), who is not the agent being
    scored. The case's own agent may only note what the villager said; the note does not
    count and the villager's own answer replaces it. Nobody else rates: not leaders,
    clerks, the county or administrators, who never ask the villager themselves."""
    from daiban.cases.models import Rating

    if actor is None:
        return Rating.Source.VILLAGER
    if actor.id == case.agent_id:
        return Rating.Source.AGENT_NOTE
    if actor.role == Role.CENTER_DIRECTOR and actor.township_id == case.township_id:
        return Rating.Source.FOLLOW_UP
    return None


def may_rate(actor: User | None, case) -> bool:
    """Whether the actor may record a rating now: a note only on an unrated case, a
    follow-up also over a note or an unchecked rating, never over the villager's answer."""
    from daiban.cases.models import Rating, State

    source = rating_source(actor, case)
    if source is None or case.state not in (State.REPLIED, State.CLOSED):
        return False
    try:
        existing = case.rating
    except Rating.DoesNotExist:
        existing = None
    if existing is None:
        return True
    return source in Rating.COUNTED and existing.source not in Rating.COUNTED


def steps_for(actor: User, case, hop) -> set[str]:
    """The steps to offer this person on this case's page; the lifecycle still decides.
    Each step's states and who is offered it are declared once, in cases/steps.py."""
    from daiban.cases.steps import offered

    return offered(actor, case, hop)
