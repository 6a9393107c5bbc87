"""Which rows a person may see or change: one door for every page, PDF, export, API
operation and task (in the manner of NetBox's `RestrictedQuerySet.restrict`).

A scoped model has `objects = RestrictedManager()` and a rule its own app registers from
`AppConfig.ready()` (in the app's `access.py`)::

    access.register(Case, case_rule)          # rule(user, action) -> Q | None
    Case.objects.restrict(user, "view")       # the cases the person may see

It fails closed: a rule answers `None` (nothing) for a role it does not name, an
anonymous or inactive person gets nothing, and an action the model does not declare
raises. A rule that needs another app's model asks by label (`restricted("cases.Case",
user)`), so no app imports a higher one to say who sees what.

Code that legitimately reads every row (the lifecycle after the page found the case, the
nightly sweeps, a public page that finds a row by its secret) says so with
`.unrestricted()`, visible and grep-able. With `DAIBAN_ACCESS_GUARD` on (the tests), a
query of a scoped model started in a view, an API endpoint or a task without one of the
two raises `UnrestrictedRead`. Rows reached from an object already found (`case.hops`)
are not checked: the object was.
"""

import sys
from collections.abc import Callable, Iterable

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q

VIEW, CHANGE = "view", "change"
DEFAULT_ACTIONS = (VIEW, CHANGE)

Rule = Callable[[object, str], Q | None]

_rules: dict[type[models.Model], tuple[Rule, tuple[str, ...]]] = {}


class UnrestrictedRead(AssertionError):
    """A scoped model read by a view, an endpoint or a task without the access module."""


def register(model: type[models.Model], rule: Rule, actions: Iterable[str] = DEFAULT_ACTIONS):
    if not isinstance(model._default_manager, RestrictedManager):
        raise ImproperlyConfigured(f"{model.__name__} needs objects = RestrictedManager().")
    _rules[model] = (rule, tuple(actions))


def scoped_models() -> list[type[models.Model]]:
    return list(_rules)


def condition(model: type[models.Model], user, action: str = VIEW) -> Q | None:
    """The rule's answer for the person: a condition on the model's rows, or None (nothing)."""
    try:
        rule, actions = _rules[model]
    except KeyError:
        raise ImproperlyConfigured(f"No access rule is registered for {model.__name__}.") from None
    if action not in actions:
        raise ValueError(f"{model.__name__} has no action {action!r} (only {', '.join(actions)}).")
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    return rule(user, action)


def restricted(label: str, user, action: str = VIEW) -> models.QuerySet:
    """Another app's rows the person may see, by model label ("cases.Case"): for rules that
    depend on a higher app's rows without importing it."""
    return apps.get_model(label)._default_manager.restrict(user, action)


# ─── The guard: which code must go through the module ──────────────────────────

# The last part of a module's name that serves people or runs unattended: a read of a
# scoped model started there goes through `restrict` or says `unrestricted`.
SURFACES = ("views", "endpoints", "tasks", "sweeps", "lookup", "tracking", "auth")


def _is_surface(module: str) -> bool:
    if not module.startswith("daiban.") or ".tests" in module:
        return False
    last = module.rsplit(".", 1)[-1]
    return last in SURFACES or last.endswith("_views")


def _caller_module() -> str:
    """The first module outside Django and this one on the stack."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if not (name.startswith("django.") or name == __name__):
            return name
        frame = frame.f_back
    return ""


def guard_on() -> bool:
    return getattr(settings, "DAIBAN_ACCESS_GUARD", False)


class RestrictedQuerySet(models.QuerySet):
    # "internal" (services, selectors), "restricted", "unrestricted", or "unchecked" (started
    # in a view, an endpoint or a task and not yet through the module: reading it raises).
    _access = "internal"
    _origin = ""

    def restrict(self, user, action: str = VIEW) -> "RestrictedQuerySet":
        found = condition(self.model, user, action)
        queryset = self._chain()
        queryset._access = "restricted"
        if found is None:
            return queryset.none()
        return queryset.filter(found)

    def unrestricted(self) -> "RestrictedQuerySet":
        """Every row, on purpose: say why where it is called."""
        queryset = self._chain()
        queryset._access = "unrestricted"
        return queryset

    def _clone(self):
        queryset = super()._clone()
        queryset._access = self._access
        queryset._origin = self._origin
        return queryset

    def _check(self):
        if self._access == "unchecked" and guard_on():
            raise UnrestrictedRead(
                f"{self._origin} reads {self.model.__name__} without restrict() or unrestricted()."
            )

    def _fetch_all(self):
        if self._result_cache is None:
            self._check()
        super()._fetch_all()

    def iterator(self, *args, **kwargs):
        self._check()
        return super().iterator(*args, **kwargs)

    def count(self):
        self._check()
        return super().count()

    def exists(self):
        self._check()
        return super().exists()

    def aggregate(self, *args, **kwargs):
        self._check()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs):
        self._check()
        return super().update(**kwargs)

    def delete(self):
        self._check()
        return super().delete()


class RestrictedManager(models.Manager.from_queryset(RestrictedQuerySet)):
    def get_queryset(self):
        queryset = super().get_queryset()
        # A related manager (case.hops) starts from an object already found.
        if guard_on() and getattr(self, "instance", None) is None:
            origin = _caller_module()
            if _is_surface(origin):
                queryset._access = "unchecked"
                queryset._origin = origin
        return queryset
