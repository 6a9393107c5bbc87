"""Writes to the catalog: loading the default guide and freezing versions."""

import hashlib
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max

from daiban.catalog.models import Material, ServiceItem, ServiceItemVersion
from daiban.core.pinyin import initials

DEFAULT_CATALOG = Path(__file__).parent / "data" / "default_catalog.json"

GUIDE_FIELDS = [
    "code",
    "name",
    "group",
    "department_kind",
    "decided_by",
    "county_department_kind",
    "proxy_allowed",
    "in_person_note",
    "conditions",
    "statutory_days",
    "promised_days",
    "county_days",
    "fee",
    "legal_basis",
    "trips_without_agent",
    "trips_with_agent",
    "location",
    "phone",
]
MATERIAL_FIELDS = ["name", "kind", "count", "notes", "required", "returnable"]


def snapshot(item: ServiceItem) -> dict:
    data = {name: getattr(item, name) for name in GUIDE_FIELDS}
    data["materials"] = [
        {"id": m.id, **{name: getattr(m, name) for name in MATERIAL_FIELDS}}
        for m in item.materials.order_by("position", "id")
    ]
    return data


def content_hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def ensure_current_version(item: ServiceItem) -> ServiceItemVersion:
    """The version matching the item's guide as it stands now, frozen if new."""
    data = snapshot(item)
    digest = content_hash(data)
    version = ServiceItemVersion.objects.filter(item=item, content_hash=digest).first()
    if version is not None:
        return version
    try:
        with transaction.atomic():
            last = item.versions.aggregate(n=Max("number"))["n"] or 0
            return ServiceItemVersion.objects.create(
                item=item, number=last + 1, content_hash=digest, snapshot=data
            )
    except IntegrityError:
        # Another request froze the same content (or took the number) first.
        return ServiceItemVersion.objects.get(item=item, content_hash=digest)


def _entry_fields(entry: dict) -> dict:
    fields = {
        "group": entry["group"],
        "department_kind": entry["department"],
        "decided_by": entry["decided_by"],
        "county_department_kind": entry.get("county_department") or "",
        "proxy_allowed": entry["proxy_allowed"],
        "in_person_note": entry.get("in_person_note", ""),
        "conditions": entry["conditions"],
        "statutory_days": entry["statutory_days"],
        "promised_days": entry["promised_days"],
        "county_days": entry.get("county_days", 0),
        "fee": entry.get("fee") or "不收费",
        "legal_basis": entry.get("legal_basis", ""),
        "trips_without_agent": entry["trips_without_agent"],
        "trips_with_agent": entry["trips_with_agent"],
        "location": entry.get("location", ""),
        "phone": entry.get("phone", ""),
    }
    fields["name_initials"] = initials(entry["name"])
    return fields


@transaction.atomic
def load_catalog(entries: list[dict]) -> tuple[int, int]:
    """Create the items that are missing, by code; leave edited ones alone.

    Returns (created, kept).
    """
    created = kept = 0
    existing = set(ServiceItem.objects.values_list("code", flat=True))
    for entry in entries:
        if entry["code"] in existing:
            kept += 1
            continue
        item = ServiceItem(code=entry["code"], name=entry["name"], **_entry_fields(entry))
        try:
            item.full_clean()
        except ValidationError as exc:
            raise ValidationError(f"{entry['code']} {entry['name']}: {exc.messages}") from exc
        item.save()
        Material.objects.bulk_create(
            Material(item=item, position=i, **{k: m[k] for k in MATERIAL_FIELDS})
            for i, m in enumerate(entry["materials"])
        )
        created += 1
    return created, kept


def load_default_catalog() -> tuple[int, int]:
    return load_catalog(json.loads(DEFAULT_CATALOG.read_text(encoding="utf-8")))
