"""The agents' records on pages of other apps (the director's home)."""

from django import template

from daiban.people.selectors import villages_without_agent

register = template.Library()


@register.simple_tag
def villages_without_agent_in_post(township_id):
    """Villages of the township with no village agent in post (people.Post)."""
    return villages_without_agent(township_id) if township_id else []
