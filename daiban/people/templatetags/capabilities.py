"""`{% if user|may:"oversee" %}`: the menu asks what the role may do (people.capabilities)."""

from django import template

from daiban.people.capabilities import may as _may

register = template.Library()


@register.filter
def may(user, capability: str) -> bool:
    return _may(user, capability)
