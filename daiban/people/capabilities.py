"""What a person's role lets them do, by name: the menu and the pages ask here instead of
testing the role's text (which matched "county_administrator" for "administrator").
Which rows they then see is `core.access`'s answer."""

from daiban.people.models import Role

CAPABILITIES: dict[str, frozenset[str]] = {
    # Take a villager's question or matter, find residents.
    "intake": frozenset(
        {Role.VILLAGE_AGENT, Role.PETITION_AGENT, Role.CENTER_DIRECTOR, Role.ADMINISTRATOR}
    ),
    "hand_over": frozenset({Role.VILLAGE_AGENT, Role.PETITION_AGENT}),
    "own_figures": frozenset({Role.VILLAGE_AGENT}),
    # Figures, payment sheets, the case register; closing and reviewing supervision.
    "oversee": frozenset(
        {Role.CENTER_DIRECTOR, Role.TOWNSHIP_LEADER, Role.COUNTY_SUPERVISOR, Role.ADMINISTRATOR}
    ),
    "manage_staff": frozenset({Role.CENTER_DIRECTOR}),
    # Announcements and good-example stories for the public site and the notice boards.
    "write_notices": frozenset({Role.CENTER_DIRECTOR, Role.COUNTY_SUPERVISOR}),
    # Annual appraisals: proposed by the director, approved by the township leader.
    "appraise": frozenset({Role.CENTER_DIRECTOR, Role.TOWNSHIP_LEADER, Role.ADMINISTRATOR}),
}


def may(user, capability: str) -> bool:
    """Whether the person's role has the capability; an unknown capability raises."""
    roles = CAPABILITIES[capability]
    return bool(getattr(user, "is_authenticated", False) and user.role in roles)
