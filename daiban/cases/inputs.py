"""What callers hand to the lifecycle: plain values, checked there."""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class Received:
    """How much of one material of the guide the agent has in hand."""

    material_id: int
    originals: int = 0
    copies: int = 0
    note: str = ""


@dataclass(frozen=True)
class Missing:
    material_id: int
    note: str = ""


@dataclass(frozen=True)
class EntrustmentIn:
    signed_by: str
    signed_on: datetime.date
    relation: str = "本人"
    scope: str = ""


__all__ = ["EntrustmentIn", "Missing", "Received"]
