import secrets

from django.db import transaction
from django.utils.translation import gettext as _

from daiban.audit import trail
from daiban.cases.errors import Invalid
from daiban.cases.models import Inquiry
from daiban.cases.rules import responsible_agent
from daiban.catalog.models import ServiceItem
from daiban.open311.models import ApiKey, ServiceRequest
from daiban.people import crypto
from daiban.people.phone import parse_phone
from daiban.places.models import Village


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
) -> ServiceRequest:
    """Become an inquiry for the village agent, who then meets the resident in person."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    name = " ".join((name or "").split())
    if not name:
        raise Invalid(_("Give the resident's name."), {"attribute[name]": [_("Required.")]})
    try:
        phone = parse_phone(phone)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], {"attribute[phone]": exc.messages}) from None
    agent = responsible_agent(village, item)
    if agent is None:
        raise Invalid(_("This village has no agent yet."), {"attribute[village]": [_("No agent.")]})
    inquiry = Inquiry.objects.create(
        village=village,
        agent=agent,
        asker_name=name,
        item=item,
        question=(description or "").strip()[:2000] or item.name,
        answer="",
        asked_at=timezone.now(),
    )
    request = ServiceRequest.objects.create(
        inquiry=inquiry,
        api_key=key,
        token=secrets.token_hex(16),
        phone_encrypted=crypto.encrypt(phone),
        address_string=(address or "")[:300],
    )
    trail.record(
        "open311.request", username=f"open311:{key.name}", obj=inquiry, detail={"item": item.code}
    )
    return request
