"""The case lifecycle: the only code that changes a case's state.

    pending ──accept──▶ in_progress ──record_result──▶ result_ready ──reply──▶ replied ──close──▶ closed
       │  ▲                 │  ▲   (hand_over / confirm_receipt move the file between holders)
       │  └─accept──┐       │  └──resume──┐
       ├─request_supplement─┴─▶ awaiting_materials
       ├─refuse──▶ refused                  withdraw (before the result) ──▶ withdrawn

Each step is one function. It locks and re-reads the case, checks the state and the
actor's right, writes every row in one transaction, bumps the case's version with a
conditional UPDATE, and records an Event. A caller holding an out-of-date copy of the
case gets a Conflict instead of overwriting someone else's step.

The steps live in modules of a few hundred lines each (base: lock, commit, announce;
intake; supplements; moving; ending); this package is their one public face:
`from daiban.cases import lifecycle; lifecycle.accept(...)`. What each step is (its
states, who is offered it, its texts) is declared in cases/steps.py.
"""

from daiban.cases.inputs import EntrustmentIn, Missing, Received
from daiban.cases.lifecycle.base import STEPS, _lock, department_days, note
from daiban.cases.lifecycle.ending import (
    close,
    rate,
    record_result,
    reply,
    return_papers,
    withdraw,
)
from daiban.cases.lifecycle.intake import accept, record_inquiry, refuse, start_case
from daiban.cases.lifecycle.moving import confirm_receipt, hand_over, recall
from daiban.cases.lifecycle.petitions import decide_petition
from daiban.cases.lifecycle.reassigning import reassign_agent, reassign_inquiries
from daiban.cases.lifecycle.supplements import request_supplement, resume
from daiban.cases.lifecycle.transferring import accept_transfer, return_transfer, send_transfer

__all__ = [
    "STEPS",
    "EntrustmentIn",
    "Missing",
    "Received",
    "_lock",
    "accept",
    "accept_transfer",
    "close",
    "confirm_receipt",
    "decide_petition",
    "department_days",
    "hand_over",
    "note",
    "rate",
    "reassign_agent",
    "reassign_inquiries",
    "record_inquiry",
    "record_result",
    "refuse",
    "recall",
    "reply",
    "request_supplement",
    "resume",
    "return_papers",
    "return_transfer",
    "send_transfer",
    "start_case",
    "withdraw",
]
