import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daiban.audit import trail
from daiban.cases.models import Inquiry
from daiban.cases.rules import responsible_agent
from daiban.catalog.county import items_for
from daiban.catalog.models import Group, ServiceItem
from daiban.core.errors import Invalid, NotAllowed
from daiban.open311.models import ApiKey, ServiceRequest
from daiban.people import crypto
from daiban.people.phone import national, parse_phone
from daiban.places.models import Village

DESCRIPTION_LIMIT = 2000


def offered_items(county=None):
    """What Open311 offers and accepts: items an agent can do, never a petition (信访 is
    confidential and goes to the village's petition agent in person); in a county, only
    the items it offers (`catalog.county.items_for`)."""
    return items_for(county).filter(proxy_allowed=True).exclude(group=Group.PETITION)


def _too_long(parameter: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise Invalid(
            _("%(parameter)s is at most %(limit)d characters (this has %(count)d).")
            % {"parameter": parameter, "limit": limit, "count": len(value)},
            {parameter: [_("Too long.")]},
        )


@transaction.atomic
def file_request(
    key: ApiKey,
    *,
    item: ServiceItem,
    village: Village,
    name: str,
    phone: str,
    description: str,
    address: str = "",
    name_parameter: str = "attribute[name]",
    phone_parameter: str = "attribute[phone]",
) -> ServiceRequest:
    """Become an inquiry for the village agent, who then meets the resident in person."""
    if not offered_items(village.township.county_id).filter(pk=item.pk).exists():
        raise Invalid(_("This service is not offered here."), {"service_code": [_("Not offered.")]})
    name = " ".join((name or "").split())
    if not name:
        raise Invalid(_("Give the resident's name."), {name_parameter: [_("Required.")]})
    _too_long(name_parameter, name, Inquiry._meta.get_field("asker_name").max_length)
    description = (description or "").strip()
    _too_long("description", description, DESCRIPTION_LIMIT)
    address = (address or "").strip()
    _too_long(
        "address_string", address, ServiceRequest._meta.get_field("address_string").max_length
    )
    try:
        phone = parse_phone(phone)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], {phone_parameter: exc.messages}) from None
    agent = responsible_agent(village, item)
    if agent is None:
        raise Invalid(_("This village has no agent yet."), {"attribute[village]": [_("No agent.")]})
    inquiry = Inquiry.objects.create(
        village=village,
        agent=agent,
        asker_name=name,
        item=item,
        question=description or item.name,
        answer="",
        asked_at=timezone.now(),
    )
    request = ServiceRequest.objects.create(
        inquiry=inquiry,
        api_key=key,
        public_id=secrets.token_urlsafe(12),
        token=secrets.token_hex(16),
        phone_encrypted=crypto.encrypt(phone),
        address_string=address,
    )
    trail.record(
        "open311.request", username=f"open311:{key.name}", obj=inquiry, detail={"item": item.code}
    )
    return request


def waiting_for(user):
    """Requests the agent has still to act on: neither answered nor turned into a case."""
    return (
        ServiceRequest.objects.filter(
            inquiry__agent=user, inquiry__answer="", inquiry__case__isnull=True
        )
        .select_related("inquiry__item")
        .order_by("created_at")
    )


def visible_requests(user):
    """The responsible agent's own; the center director's township; all for administrators.
    Anything else is treated as missing (404)."""
    return ServiceRequest.objects.restrict(user, "view").select_related(
        "inquiry__item", "inquiry__village"
    )


def reveal_phone(request: ServiceRequest, *, actor) -> str:
    """The caller's number for the agent to ring back; every reveal is in the audit trail."""
    trail.record("open311.reveal", user=actor, obj=request.inquiry, detail={"field": "phone"})
    return national(crypto.decrypt(request.phone_encrypted))


def answer_request(request: ServiceRequest, *, actor, text: str) -> None:
    """The agent answered the question without a case (called back, explained the rules)."""
    text = (text or "").strip()
    if len(text) < 2:
        raise Invalid(_("Write down what you told the resident."), {"answer": [_("Required.")]})
    answered = Inquiry.objects.filter(pk=request.inquiry_id, answer="", case__isnull=True).update(
        answer=text[:2000]
    )
    if not answered:
        raise NotAllowed(_("This request has already been answered or turned into a case."))
    trail.record("open311.answer", user=actor, obj=request.inquiry)
