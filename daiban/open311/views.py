"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) in JSON and XML.

jurisdiction_id is a township's 12-digit code; a filed request becomes an inquiry for
the village agent; a request's status follows the case the agent opens from it.
"""

import datetime
import xml.etree.ElementTree as ET

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt

from daiban.cases.errors import CaseError
from daiban.cases.models import FINAL_STATES
from daiban.catalog.models import ServiceItem
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


def service_list(request, fmt):
    items = ServiceItem.objects.filter(is_active=True, proxy_allowed=True).order_by("code")
    return _respond(fmt, "services", [_service(i) for i in items])


def service_definition(request, code, fmt):
    item = ServiceItem.objects.filter(code=code, is_active=True).first()
    if item is None:
        return _error(fmt, 404, "unknown service_code")
    townships, _ = _townships(request)
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


def _request_out(sr: ServiceRequest) -> dict:
    inquiry = sr.inquiry
    case = getattr(inquiry, "case", None)
    closed = case is not None and case.state in FINAL_STATES
    if case is None:
        notes, expected, updated = "已转村代办员，待上门或电话联系", None, sr.created_at
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
        "description": inquiry.question,
        "agency_responsible": inquiry.village.township.name,
        "service_notice": "村代办员将联系您",
        "requested_datetime": sr.created_at.isoformat(),
        "updated_datetime": updated.isoformat() if updated else None,
        "expected_datetime": expected,
        "address": inquiry.village.name,
        "address_id": inquiry.village.code,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _requests():
    return ServiceRequest.objects.select_related(
        "inquiry__item", "inquiry__village__township", "inquiry__case"
    )


@csrf_exempt
def requests(request, fmt):
    if request.method == "POST":
        return _create(request, fmt)
    found = _requests().order_by("-pk")
    townships, township = _townships(request)
    if township is not None:
        found = found.filter(inquiry__village__township=township)
    ids = [
        i.strip().removeprefix("DB")
        for i in request.GET.get("service_request_id", "").split(",")
        if i.strip()
    ]
    if ids:
        found = found.filter(inquiry_id__in=[i for i in ids if i.isdigit()])
    else:
        if request.GET.get("service_code"):
            found = found.filter(inquiry__item__code__in=request.GET["service_code"].split(","))
        start = parse_datetime(request.GET.get("start_date", "") or "")
        end = parse_datetime(request.GET.get("end_date", "") or "")
        found = found.filter(created_at__gte=start or timezone.now() - datetime.timedelta(days=90))
        if end:
            found = found.filter(created_at__lte=end)
        found = found[:1000]
    results = [_request_out(sr) for sr in found]
    status = request.GET.get("status")
    if status in ("open", "closed") and not ids:
        results = [r for r in results if r["status"] == status]
    return _respond(fmt, "service_requests", results)


def _create(request, fmt):
    key = ApiKey.matching(request.POST.get("api_key", ""))
    if key is None:
        return _error(fmt, 403, "invalid api_key")
    item = ServiceItem.objects.filter(
        code=request.POST.get("service_code", ""), is_active=True
    ).first()
    if item is None:
        return _error(fmt, 404, "unknown service_code")
    townships, _ = _townships(request)
    village = Village.objects.filter(
        code=request.POST.get("attribute[village]", ""), township__in=townships
    ).first()
    if village is None:
        return _error(fmt, 400, "attribute[village] must be a village code of the jurisdiction")
    try:
        sr = services.file_request(
            key,
            item=item,
            village=village,
            name=request.POST.get("attribute[name]", ""),
            phone=request.POST.get("attribute[phone]", ""),
            description=request.POST.get("description", ""),
            address=request.POST.get("address_string", ""),
        )
    except CaseError as exc:
        return _error(fmt, 400, exc.message)
    return _respond(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": sr.service_request_id,
                "service_notice": "村代办员将联系您",
                "account_id": None,
            }
        ],
        status=201,
    )


def request_detail(request, request_id, fmt):
    sr = (
        _requests()
        .filter(
            inquiry_id=request_id.removeprefix("DB")
            if request_id.removeprefix("DB").isdigit()
            else 0
        )
        .first()
    )
    if sr is None:
        return _error(fmt, 404, "unknown service_request_id")
    return _respond(fmt, "service_requests", [_request_out(sr)])


def token(request, token, fmt):
    sr = ServiceRequest.objects.filter(token=token).first()
    if sr is None:
        return _error(fmt, 404, "unknown token")
    return _respond(
        fmt, "service_requests", [{"service_request_id": sr.service_request_id, "token": sr.token}]
    )
