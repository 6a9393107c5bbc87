"""The menu asks what a role may do by name (people.capabilities), not by the role's text."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from daiban.people.capabilities import CAPABILITIES, may
from daiban.people.models import Role
from daiban.people.services import create_staff
from daiban.testing.world import NAMED_PEOPLE, verified_login

MENU = {
    "intake": "cases:inquiry",
    "hand_over": "cases:handover",
    "own_figures": "evaluation:mine",
    "oversee": "figures:dashboard",
    "manage_staff": "staff:list",
}


def test_the_county_administrator_is_not_the_administrator(world):
    county_admin = create_staff(
        username="county_admin",
        password="x",
        display_name="县管理员",
        role=Role.COUNTY_ADMINISTRATOR,
        county=world.county,
    )
    # The role's text contains "administrator"; the old menu's substring test matched it.
    assert not any(may(county_admin, name) for name in CAPABILITIES)
    assert all(may(world.admin, name) for name in ("intake", "oversee"))
    with pytest.raises(KeyError):
        may(world.admin, "everything")


def test_the_filter_answers_like_the_function(world):
    template = Template('{% load capabilities %}{% if user|may:"oversee" %}yes{% endif %}')
    for role in NAMED_PEOPLE:
        user = getattr(world, role)
        shown = template.render(Context({"user": user})) == "yes"
        assert shown == may(user, "oversee"), role


def test_the_menu_offers_what_the_role_may(client, world):
    for role in NAMED_PEOPLE:
        user = getattr(world, role)
        verified_login(client, user)
        page = client.get("/").content.decode()
        for capability, name in MENU.items():
            assert (f'href="{reverse(name)}"' in page) == may(user, capability), (role, name)
