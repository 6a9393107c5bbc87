import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

# Database ids: positive and within a 64-bit integer, so no input can overflow a query.
Id = Annotated[int, Field(ge=1, le=2**62)]
Count = Annotated[int, Field(ge=0, le=99)]


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]]


class MaterialOut(Schema):
    id: int
    name: str
    kind: str
    count: int
    required: bool
    notes: str


class ItemOut(Schema):
    code: str
    name: str
    group: str
    decided_by: str
    proxy_allowed: bool
    promised_days: int
    statutory_days: int
    trips_without_agent: int
    trips_with_agent: int
    fee: str


class ItemDetailOut(ItemOut):
    conditions: str
    legal_basis: str
    in_person_note: str
    materials: list[MaterialOut]


class Captured(Schema):
    """Sent later from a phone's offline queue: when it was captured, with its time zone
    (bounded: daiban/api/captured.py). Deadlines count from it. Empty: now."""

    at: datetime.datetime | None = None


class CapturedStep(Captured):
    """A step captured offline also says which version of the case the agent saw; another
    version on the server is a 409 carrying the server's case."""

    version: Annotated[int, Field(ge=1, le=2**31)] | None = None


class ResidentIn(Schema):
    name: str
    id_number: str
    phone: str
    village: str  # division code
    hamlet: str | None = None
    uid: str | None = None


class ResidentOut(Schema):
    id: int
    uid: str
    name: str
    id_number_masked: str
    phone_masked: str
    village: str


class ResidentSearchIn(Schema):
    q: str = Field(max_length=100)


class InquiryIn(Captured):
    question: str
    answer: str = ""
    resident: Id | None = None
    item: str | None = None  # item code
    asker_name: str = ""
    uid: str | None = None


class InquiryOut(Schema):
    id: int
    uid: str
    question: str


class WaitingInquiryOut(Schema):
    id: int
    uid: str
    question: str
    item: str | None
    resident: int | None
    asked_at: datetime.datetime
    from_hotline: bool


class CaseIn(Captured):
    resident: Id
    item: str
    inquiry: Id | None = None
    uid: str | None = None
    # A second open case for the same resident and item is refused (409) unless this is set.
    duplicate_ok: bool = False


class HopOut(Schema):
    seq: int
    holder: str
    started_at: datetime.datetime
    due_date: datetime.date
    received_at: datetime.datetime | None
    ended_at: datetime.datetime | None


class PaperOut(Schema):
    id: int
    name: str
    count: int
    holder: str | None
    held_since: datetime.datetime
    returned_at: datetime.datetime | None


class EventOut(Schema):
    seq: int
    action: str
    at: datetime.datetime
    recorded_at: datetime.datetime
    actor: str | None
    from_state: str
    to_state: str
    note: str


class CaseOut(Schema):
    id: int
    uid: str
    number: str | None
    tracking_code: str | None
    state: str
    version: int
    item: str
    resident: int
    village: str
    due_date: datetime.date | None
    created_at: datetime.datetime


class CaseDetailOut(CaseOut):
    hops: list[HopOut]
    papers: list[PaperOut]
    events: list[EventOut]


class ReceivedIn(Schema):
    material_id: Id
    originals: Count = 0
    copies: Count = 0


class AcceptIn(CapturedStep):
    received: list[ReceivedIn]
    signed_by: str
    signed_on: datetime.date
    relation: str = "本人"


class ReasonIn(Schema):
    reason: str


class TransferIn(Schema):
    to_village: Id
    reason: str


class SupplementIn(CapturedStep):
    missing: list[Id]
    note: str = ""


class HandOverIn(Schema):
    to_department: Id | None = None
    to_user: Id | None = None
    papers: list[Id] = []
    note: str = ""


class RecallIn(Schema):
    reason: str = ""


class ResultIn(Schema):
    granted: bool
    reason: str = ""
    document_no: str = ""


class PetitionDecisionIn(Schema):
    accept: bool
    reason: str = ""


class ReplyIn(CapturedStep):
    signed_by: str
    note: str = ""


class CloseIn(CapturedStep):
    method: str
    rating: Annotated[int, Field(ge=1, le=5)] | None = None
    note: str = ""


class ReturnPapersIn(Schema):
    papers: list[Id]
    signed_by: str


class RatingIn(Schema):
    """The villager's answer, asked on the center's follow-up (the director records it, as
    who asked), or the case's agent's note of what the villager said, which does not count.
    Everyone else gets 403: a rating is the villager's."""

    level: Annotated[int, Field(ge=1, le=5)]
    channel: Literal["phone", "visit"] = "phone"
    comment: str = ""


class TrackStepOut(Schema):
    at: datetime.datetime
    step: str


class TrackOut(Schema):
    item: str
    name: str
    state: str
    promised: datetime.date | None
    holder: str
    steps: list[TrackStepOut]
