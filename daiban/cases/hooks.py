"""After-step hooks: the lifecycle announces each step it records; other apps react.

The lifecycle never imports the apps that react to it (figures, supervision, text
messages). Each of them subscribes in its `AppConfig.ready()`:

    from daiban.cases import hooks

    hooks.subscribe(hooks.IN_STEP, refresh_tallies)            # figures
    hooks.subscribe(hooks.COMMITTED, queue_follow_up, actions={...})  # supervision

Two phases, as pretix's and Zulip's signals have:

- ``IN_STEP``: called inside the step's transaction, right after its Event is written,
  while the case row is still locked. Only database writes that must commit (or roll
  back) with the step belong here: the figures' tallies. An exception aborts the step.
- ``COMMITTED``: called once the step's transaction has committed
  (``transaction.on_commit``), for side effects: queueing text messages and follow-ups
  for the worker. Such a hook takes ids, never objects, and must not fail the request.

A hook is called as ``hook(step)`` with a `Step` (ids and the event's action only).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from django.db import transaction

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from daiban.people.models import User


IN_STEP = "in_step"
COMMITTED = "committed"


@dataclass(frozen=True)
class Step:
    """A recorded step, as hooks see it: what happened to which case, by its event."""

    case_id: int
    event_id: int
    action: str


Hook = Callable[[Step], None]

_hooks: dict[str, list[tuple[Hook, frozenset[str] | None]]] = {IN_STEP: [], COMMITTED: []}


def subscribe(phase: str, hook: Hook, *, actions: Iterable[str] | None = None) -> None:
    """Call `hook` after every step (or only after the given event actions). Subscribing
    the same function twice (a second `ready()`) keeps one subscription."""
    wanted = frozenset(actions) if actions is not None else None
    hooks = _hooks[phase]
    hooks[:] = [(h, a) for h, a in hooks if h is not hook]
    hooks.append((hook, wanted))


def _call(phase: str, step: Step) -> None:
    for hook, actions in list(_hooks[phase]):
        if actions is None or step.action in actions:
            hook(step)


def in_step(step: Step) -> None:
    """Run the in-transaction hooks now (the lifecycle calls this under the row lock)."""
    _call(IN_STEP, step)


def on_commit(step: Step) -> None:
    """Run the committed hooks once the current transaction commits."""
    if any(actions is None or step.action in actions for _, actions in _hooks[COMMITTED]):
        transaction.on_commit(partial(_call, COMMITTED, step))


# ─── Lists other apps put on the agent's home page ───────────────────────────
# name → function(user) returning a queryset, e.g. open311's "hotline" requests waiting
# for the agent. Registered in the other app's AppConfig.ready().
_agent_home: dict[str, Callable[[User], QuerySet[Any]]] = {}


def add_to_agent_home(name: str, rows: Callable[[User], QuerySet[Any]]) -> None:
    _agent_home[name] = rows


def agent_home_lists(user: User, limit: int) -> dict[str, list[Any]]:

    return {name: list(rows(user)[:limit]) for name, rows in _agent_home.items()}


# The same for the center director's home, e.g. evaluation's agents flagged for
# replacement after two 不称职 yearly grades.
_director_home: dict[str, Callable[[User], QuerySet[Any]]] = {}


def add_to_director_home(name: str, rows: Callable[[User], QuerySet[Any]]) -> None:
    _director_home[name] = rows


def director_home_lists(user: User, limit: int) -> dict[str, list[Any]]:
    return {name: list(rows(user)[:limit]) for name, rows in _director_home.items()}
