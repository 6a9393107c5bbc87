"""Texts to the resident after a committed step (run by the worker, at least once, so
each is idempotent: a message is keyed by its event)."""

from daiban.cases.models import Event
from daiban.cases.steps import resident_texts
from daiban.notifications import services as sms

# The step's event and the text it sends to the resident (declared in cases/steps.py;
# the wording is notifications/texts.py TEXTS).
RESIDENT_TEXTS = resident_texts()


def text_resident(event_id: int) -> None:
    event = Event.objects.select_related("case__item", "case__resident", "case__agent").get(
        pk=event_id
    )
    template = RESIDENT_TEXTS.get(event.action)
    if not template:
        return
    case = event.case
    values = sms.case_values(case)
    if template == "supplement":
        values["materials"] = "、".join(event.data.get("missing", [])) or event.note
    sms.queue(
        key=f"event:{event.pk}", template=template, to=sms.resident_phone(case), case=case, **values
    )
