"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) in JSON and XML.

jurisdiction_id is a township's 12-digit code; a filed request becomes an inquiry for
the village agent; a request's status follows the case the agent opens from it.
"""

import datetime
import xml.etree.ElementTree as ET

from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from daiban.cases.models import FINAL_STATES
from daiban.catalog.models import Group, ServiceItem
from daiban.core.errors import CaseError
from daiban.open311 import services
from daiban.open311.models import ApiKey, ServiceRequest
from daiban.places.models import Township, Village

LIST_ROOTS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "discovery": None,
}


def _xml(root: str, payload) -> bytes:
    def build(parent, value, tag):
        if isinstance(value, list):
            for element in value:
                build(parent, element, LIST_ROOTS.get(tag) or tag.rstrip("s"))
            return
        node = ET.SubElement(parent, tag)
        if isinstance(value, dict):
            for key, inner in value.items():
                if isinstance(inner, list):
                    holder = ET.SubElement(node, key)
                    for element in inner:
                        build(holder, element, key.rstrip("s") if key != "values" else "value")
                else:
                    build(node, inner, key)
        elif value is not None:
            node.text = str(value).lower() if isinstance(value, bool) else str(value)

    top = ET.Element(root)
    if isinstance(payload, list):
        for element in payload:
            build(top, element, LIST_ROOTS.get(root) or "item")
    else:
        for key, value in payload.items():
            if isinstance(value, list):
                holder = ET.SubElement(top, key)
                for element in value:
                    build(holder, element, key.rstrip("s"))
            else:
                build(top, value, key)
    return b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8")


def _respond(fmt: str, root: str, payload, status=200) -> HttpResponse:
    if fmt == "xml":
        return HttpResponse(
            _xml(root, payload), content_type="text/xml; charset=utf-8", status=status
        )
    return JsonResponse(
        payload, status=status, safe=False, json_dumps_params={"ensure_ascii": False}
    )


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _respond(fmt, "errors", [{"code": status, "description": description}], status)


class BadParameter(Exception):
    """A parameter the caller must correct: a 400 in the Open311 error format."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _when(request, name: str) -> datetime.datetime | None:
    raw = request.GET.get(name, "")
    if not raw:
        return None
    try:
        value = parse_datetime(raw)  # ValueError for 30 February or an offset of +25:00
    except ValueError:
        value = None
    if value is None:
        raise BadParameter(
            _("%(name)s must be a date and time such as 2026-03-02T09:00:00+08:00.")
            % {"name": name}
        )
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _own_key(request) -> ApiKey | None:
    """The key a caller reads with: its own requests come back in full."""
    raw = request.GET.get("api_key", "")
    return ApiKey.matching(raw) if raw else None


def _townships(request):
    code = request.GET.get("jurisdiction_id") or request.POST.get("jurisdiction_id")
    if not code:
        return Township.objects.all(), None
    township = Township.objects.filter(code=code).first()
    return (
        Township.objects.filter(pk=township.pk) if township else Township.objects.none()
    ), township


def discovery(request, fmt):
    base = request.build_absolute_uri("/open311/v2/")
    return _respond(
        fmt,
        "discovery",
        {
            "changeset": "2026-11-25T00:00:00Z",
            "contact": "县便民服务中心",
            "key_service": "向县系统管理员申请 api_key",
            "endpoints": [
                {
                    "specification": "http://wiki.open311.org/GeoReport_v2",
                    "url": base,
                    "changeset": "2026-11-25T00:00:00Z",
                    "type": "production",
                    "formats": ["application/json", "text/xml"],
                }
            ],
        },
    )


def _service(item: ServiceItem) -> dict:
    return {
        "service_code": item.code,
        "service_name": item.name,
        "description": item.conditions,
        "metadata": True,
        "type": "batch",
        "keywords": item.get_group_display(),
        "group": item.group,
    }


def _county(request) -> int | None:
    """The county of the jurisdiction asked about: its own catalog (catalog.county)."""
    __, township = _townships(request)
    return township.county_id if township else None


def service_list(request, fmt):
    items = services.offered_items(_county(request)).order_by("code")
    return _respond(fmt, "services", [_service(i) for i in items])


def service_definition(request, code, fmt):
    item = services.offered_items(_county(request)).filter(code=code).first()
    if item is None:
        return _error(fmt, 404, _("Unknown service_code."))
    townships, __ = _townships(request)
    villages = Village.objects.filter(township__in=townships).order_by("code")
    attributes = [
        {
            "variable": True,
            "code": "village",
            "datatype": "singlevaluelist",
            "required": True,
            "datatype_description": "村委会",
            "order": 1,
            "description": "所在村委会",
            "values": [{"key": v.code, "name": v.name} for v in villages],
        },
        {
            "variable": True,
            "code": "name",
            "datatype": "string",
            "required": True,
            "datatype_description": "",
            "order": 2,
            "description": "群众姓名",
        },
        {
            "variable": True,
            "code": "phone",
            "datatype": "string",
            "required": True,
            "datatype_description": "手机或带区号的固话",
            "order": 3,
            "description": "联系电话",
        },
    ]
    return _respond(
        fmt, "service_definition", {"service_code": item.code, "attributes": attributes}
    )


def _request_out(sr: ServiceRequest, key: ApiKey | None) -> dict:
    """Anyone may read how a request is going, never who asked, what, or from which
    village: that is for the key that filed it."""
    inquiry = sr.inquiry
    township = inquiry.village.township
    own = key is not None and sr.api_key_id == key.pk
    case = getattr(inquiry, "case", None)
    closed = case is not None and case.state in FINAL_STATES
    if case is None:
        notes, expected, updated = (
            _("Passed to the village agent, who will call or visit."),
            None,
            sr.created_at,
        )
    else:
        notes = case.get_state_display()
        expected = (
            timezone.make_aware(
                datetime.datetime.combine(case.due_date, datetime.time(17, 30))
            ).isoformat()
            if case.due_date
            else None
        )
        updated = case.ended_at or case.accepted_at or case.created_at
    return {
        "service_request_id": sr.service_request_id,
        "status": "closed" if closed else "open",
        "status_notes": notes,
        "service_name": inquiry.item.name if inquiry.item else "",
        "service_code": inquiry.item.code if inquiry.item else "",
        "description": inquiry.question if own else None,
        "agency_responsible": township.name,
        "service_notice": _("The village agent will contact you."),
        "requested_datetime": sr.created_at.isoformat(),
        "updated_datetime": updated.isoformat() if updated else None,
        "expected_datetime": expected,
        "address": inquiry.village.name if own else township.name,
        "address_id": inquiry.village.code if own else None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _requests(key: ApiKey | None):
    # Anyone may read the public requests (no person, so no access rule): the filter below.
    found = ServiceRequest.objects.unrestricted().select_related(
        "inquiry__item", "inquiry__village__township", "inquiry__case"
    )
    # Petitions are not offered any more; one filed before stays with the key that filed it.
    public = ~Q(inquiry__item__group=Group.PETITION)
    return found.filter(public | Q(api_key=key) if key else public)


def _reading(view):
    """Read parameters the caller must correct answer 400 in the Open311 format."""

    def wrapped(request, *args, fmt, **kwargs):
        try:
            return view(request, *args, fmt=fmt, **kwargs)
        except BadParameter as exc:
            return _error(fmt, 400, exc.message)

    return wrapped


@csrf_exempt
@_reading
def requests(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    key = _own_key(request)
    status = request.GET.get("status", "")
    if status not in ("", "open", "closed"):
        raise BadParameter(_("status must be open or closed."))
    start, end = _when(request, "start_date"), _when(request, "end_date")
    if start and end and start > end:
        raise BadParameter(_("start_date must come before end_date."))
    found = _requests(key).order_by("-pk")
    townships, township = _townships(request)
    if township is not None:
        found = found.filter(inquiry__village__township=township)
    ids = [i.strip() for i in request.GET.get("service_request_id", "").split(",") if i.strip()]
    if ids:
        found = found.filter(public_id__in=ids[:100])
    else:
        if request.GET.get("service_code"):
            found = found.filter(inquiry__item__code__in=request.GET["service_code"].split(","))
        found = found.filter(created_at__gte=start or timezone.now() - datetime.timedelta(days=90))
        if end:
            found = found.filter(created_at__lte=end)
        found = found[:1000]
    results = [_request_out(sr, key) for sr in found]
    if status and not ids:
        results = [r for r in results if r["status"] == status]
    return _respond(fmt, "service_requests", results)


def _float(request, name: str, low: float, high: float) -> None:
    raw = request.POST.get(name, "")
    if not raw:
        return
    try:
        value = float(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise BadParameter(
            _("%(name)s must be a number from %(low)s to %(high)s.")
            % {"name": name, "low": low, "high": high}
        )


def _name(request) -> tuple[str, str]:
    """The attribute, or the standard first_name and last_name (family name first when
    written in Chinese characters)."""
    if request.POST.get("attribute[name]", "").strip():
        return request.POST["attribute[name]"], "attribute[name]"
    first = request.POST.get("first_name", "").strip()
    last = request.POST.get("last_name", "").strip()
    if (first + last).isascii():
        return f"{first} {last}", "first_name"
    return f"{last}{first}", "first_name"


def _create(request, fmt):
    key = ApiKey.matching(request.POST.get("api_key", ""))
    if key is None:
        return _error(fmt, 403, _("Invalid api_key."))
    item = services.offered_items().filter(code=request.POST.get("service_code", "")).first()
    if item is None:
        return _error(fmt, 404, _("Unknown service_code."))
    _float(request, "lat", -90, 90)
    _float(request, "long", -180, 180)
    townships, __ = _townships(request)
    village = Village.objects.filter(
        code=request.POST.get("attribute[village]", ""), township__in=townships
    ).first()
    if village is None:
        return _error(fmt, 400, _("attribute[village] must be a village code of the jurisdiction."))
    name, name_parameter = _name(request)
    phone_parameter = "attribute[phone]" if request.POST.get("attribute[phone]") else "phone"
    try:
        sr = services.file_request(
            key,
            item=item,
            village=village,
            name=name,
            phone=request.POST.get(phone_parameter, ""),
            description=request.POST.get("description", ""),
            address=request.POST.get("address_string", ""),
            name_parameter=name_parameter,
            phone_parameter=phone_parameter,
        )
    except CaseError as exc:
        return _error(fmt, 400, exc.message)
    return _respond(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": sr.service_request_id,
                "service_notice": _("The village agent will contact you."),
                "account_id": None,
            }
        ],
        status=201,
    )


@_reading
def request_detail(request, request_id, fmt):
    key = _own_key(request)
    sr = _requests(key).filter(public_id=request_id).first()
    if sr is None:
        return _error(fmt, 404, _("Unknown service_request_id."))
    return _respond(fmt, "service_requests", [_request_out(sr, key)])


def token(request, token, fmt):
    sr = ServiceRequest.objects.unrestricted().filter(token=token).first()  # the caller's secret
    if sr is None:
        return _error(fmt, 404, _("Unknown token."))
    return _respond(
        fmt, "service_requests", [{"service_request_id": sr.service_request_id, "token": sr.token}]
    )
