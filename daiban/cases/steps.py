"""Every lifecycle step, declared once: read by the lifecycle, the pages, the API, the
public tracking page and the texts to the resident.

A step's entry says
- `label`: how the refusal message names it ("… so it cannot %(step)s");
- `from_states`: the states it may start from (`lifecycle._lock` checks them);
- `action`: the Event it records;
- `offer`: to whom, beyond the state, a page or the API offers it (`offered()`); the
  lifecycle still checks the right itself and may refuse with a reason;
- `page`: what the case page shows for it ("" when it is not offered there);
- `public`: how the public tracking page words its event (None: not shown);
- `resident_text`: the text message to the resident once it is committed
  (a key of notifications/texts.py TEXTS), if any.

Adding a step: one entry here, its function in cases/lifecycle/ (docs/development.md).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from daiban.cases import rules
from daiban.cases.models import Event, State


@dataclass(frozen=True)
class Who:
    """What `offer` predicates are asked about the person and the case's open hop."""

    actor: object
    case: object
    hop: object

    @property
    def takes(self) -> bool:
        """Opens, accepts, refuses for this village (the agent or the center director)."""
        return rules.may_take(self.actor, self.case.village, self.case.item)

    @property
    def is_agent(self) -> bool:
        return self.actor.id == self.case.agent_id

    @property
    def holds(self) -> bool:
        """Holds the file, signed for."""
        hop = self.hop
        return (
            hop is not None
            and hop.received_at is not None
            and rules.holds(self.actor, hop, self.case.township_id)
        )

    @property
    def receives(self) -> bool:
        """The file is on its way to this person, not yet signed for."""
        hop = self.hop
        return (
            hop is not None
            and hop.received_at is None
            and rules.holds(self.actor, hop, self.case.township_id)
        )

    @property
    def sends(self) -> bool:
        """Handed the file on and the receiver has not yet signed for it: may recall it."""
        hop = self.hop
        if hop is None or hop.received_at is not None or hop.seq < 2:
            return False
        previous = (
            self.case.hops.select_related("holder_department").filter(seq=hop.seq - 1).first()
        )
        return previous is not None and rules.holds(self.actor, previous, self.case.township_id)

    @property
    def accepted(self) -> bool:
        return bool(self.case.accepted_at)


def nobody(who: Who) -> bool:
    return False


@dataclass(frozen=True)
class Step:
    name: str
    label: Promise
    from_states: tuple[str, ...]
    action: str
    offer: Callable[[Who], bool] = nobody
    page: str = ""
    public: Promise | None = None
    resident_text: str = ""


def _withdraw(who: Who) -> bool:
    state = who.case.state
    if state in (State.PENDING, State.AWAITING_MATERIALS) and not who.accepted and who.takes:
        return True
    if state == State.AWAITING_MATERIALS and who.accepted and who.holds:
        return True
    return state == State.IN_PROGRESS and (who.holds or who.takes or who.is_agent)


def _supplement(who: Who) -> bool:
    if who.case.state == State.PENDING:
        return not who.accepted and who.takes
    return who.holds  # in progress


def _decides_transfer(who: Who) -> bool:
    """The receiving center's director (or the administrator) decides a transfer."""
    transfer = who.case.transfers.filter(status="pending").only("to_township_id").first()
    return transfer is not None and rules.directs(who.actor, transfer.to_township_id)


OPEN = (State.PENDING, State.AWAITING_MATERIALS)
MOVING = (State.IN_PROGRESS, State.RESULT_READY)

REGISTRY: dict[str, Step] = {
    s.name: s
    for s in [
        Step(
            "start_case",
            _("opened"),
            (),
            Event.Action.CREATED,
            public=_("application registered"),
        ),
        Step(
            "accept",
            _("accept"),
            OPEN,
            Event.Action.ACCEPTED,
            offer=lambda who: not who.accepted and who.takes,
            page="a link to the acceptance page",
            public=_("accepted by the agent"),
            resident_text="accepted",
        ),
        Step(
            "refuse",
            _("refuse"),
            OPEN,
            Event.Action.REFUSED,
            offer=lambda who: not who.accepted and who.takes,
            page="the acceptance page's refuse button",
            public=_("not accepted"),
        ),
        Step(
            "request_supplement",
            _("issue a supplement notice"),
            (State.PENDING, State.IN_PROGRESS),
            Event.Action.SUPPLEMENT_REQUESTED,
            offer=_supplement,
            page="the supplement notice form",
            public=_("materials missing: notice given"),
            resident_text="supplement",
        ),
        Step(
            "resume",
            _("resume after supplement"),
            (State.AWAITING_MATERIALS,),
            Event.Action.RESUMED,
            offer=lambda who: who.accepted and who.holds,
            page="the resume button",
            public=_("materials complete, processing again"),
        ),
        Step(
            "hand_over",
            _("hand over"),
            MOVING,
            Event.Action.HANDED_OVER,
            offer=lambda who: who.holds,
            page="the hand-over form",
        ),
        Step(
            "recall",
            _("recall the hand-over"),
            MOVING,
            Event.Action.RECALLED,
            offer=lambda who: who.sends,
            page="the recall button, to the sender until the receiver confirms",
        ),
        Step(
            "confirm_receipt",
            _("confirm receipt"),
            MOVING,
            Event.Action.RECEIVED,
            offer=lambda who: who.receives,
            page="the confirm-receipt button",
            public=_("file received by %(holder)s"),
        ),
        Step(
            # 信访: accepted for handling or not, in writing, within 15 days of receipt.
            "decide_petition",
            _("decide whether to accept the petition"),
            (State.IN_PROGRESS,),
            Event.Action.PETITION_DECIDED,
            offer=lambda who: (
                who.case.is_petition
                and not who.case.petition_decision
                and who.holds
                and bool(who.hop.holder_department_id)
            ),
            page="the petition decision form",
            public=_("decision on acceptance made; written notice issued"),
        ),
        Step(
            "record_result",
            _("record the result"),
            (State.IN_PROGRESS,),
            Event.Action.RESULT_RECORDED,
            offer=lambda who: (
                who.holds
                and bool(who.hop.holder_department_id)
                and not (who.case.is_petition and not who.case.petition_decision)
            ),
            page="the result form",
            public=pgettext_lazy("public tracking step", "result ready"),
            resident_text="result",
        ),
        Step(
            "reply",
            _("reply"),
            (State.RESULT_READY,),
            Event.Action.REPLIED,
            offer=lambda who: who.holds and bool(who.hop.holder_user_id),
            page="the reply form",
            public=_("result handed to the resident"),
            resident_text="replied",
        ),
        Step(
            "close",
            _("close"),
            (State.REPLIED,),
            Event.Action.CLOSED,
            offer=lambda who: who.takes or who.is_agent,
            page="the follow-up form",
            public=_("closed after the follow-up call"),
        ),
        Step(
            "withdraw",
            _("withdraw"),
            (State.PENDING, State.AWAITING_MATERIALS, State.IN_PROGRESS),
            Event.Action.WITHDRAWN,
            offer=_withdraw,
            page="the withdrawal form",
            public=_("withdrawn at the resident's request"),
        ),
        Step(
            "return_papers",
            _("return papers"),
            tuple(State),
            Event.Action.PAPERS_RETURNED,
            page="the return-originals form, to whoever holds one",
        ),
        Step(
            "rate",
            _("rate"),
            (State.REPLIED, State.CLOSED),
            Event.Action.RATED,
            offer=lambda who: rules.may_rate(who.actor, who.case),
            page="the rating form",
        ),
        Step(
            # The director hands a leaving or absent agent's files on (people/succession.py).
            "reassign_agent",
            _("hand on to another agent"),
            tuple(State),
            Event.Action.AGENT_REASSIGNED,
        ),
        Step(
            # To another township's center (cases/lifecycle/transferring.py).
            "send_transfer",
            _("transfer to another township"),
            (State.PENDING, State.IN_PROGRESS),
            Event.Action.TRANSFER_SENT,
            offer=lambda who: (
                not who.case.is_petition and rules.directs(who.actor, who.case.township_id)
            ),
            page="the transfer form",
            public=_("sent to another township's service center"),
        ),
        Step(
            "accept_transfer",
            _("accept the transfer"),
            (State.TRANSFERRING,),
            Event.Action.TRANSFER_ACCEPTED,
            offer=_decides_transfer,
            page="the accept-transfer button",
            public=_("taken on by the new township's service center"),
        ),
        Step(
            "return_transfer",
            _("return the transfer"),
            (State.TRANSFERRING,),
            Event.Action.TRANSFER_RETURNED,
            offer=_decides_transfer,
            page="the return-transfer form",
            public=_("transfer returned to the first service center"),
        ),
        Step("note", _("add to the history"), tuple(State), ""),
    ]
}

# A case whose deadline runs and may be extended (supervision asks; the page offers it).
EXTENDABLE = (State.IN_PROGRESS, State.RESULT_READY, State.AWAITING_MATERIALS)


def offered(actor, case, hop) -> set[str]:
    """The steps to offer this person on this case (pages, API); the lifecycle decides."""
    who = Who(actor, case, hop)
    return {
        step.name
        for step in REGISTRY.values()
        if case.state in step.from_states and step.offer(who)
    }


def public_wording() -> dict[str, Promise]:
    """Event action → how the public tracking page words it."""
    return {s.action: s.public for s in REGISTRY.values() if s.public is not None}


def resident_texts() -> dict[str, str]:
    """Event action → the text message the resident gets once the step is committed."""
    return {s.action: s.resident_text for s in REGISTRY.values() if s.resident_text}
