"""Each county its own catalog (issue 17): the shared template's items as one county offers
them. The public guide, the agent's inquiry page, the acceptance flow's item choice and
Open311's service list read `items_for`; a county's own phone, fee, department and notes
come from `settings_for`. A county with no `CountyItem` rows offers the template as it is.

    items_for(county)            offered items there (a queryset of ServiceItem)
    settings_for(county, item)   that county's CountyItem, saved or as the template says
"""

from django.db.models import QuerySet

from daiban.catalog.models import CountyItem, ServiceItem
from daiban.places.models import County


def _county_id(county) -> int | None:
    return county.pk if isinstance(county, County) else county


def items_for(county) -> QuerySet[ServiceItem]:
    """Items the county offers: offered in the template and not switched off there. With no
    county (a global administrator, a public page of a several-county installation with
    no county chosen) the template's offered items."""
    items = ServiceItem.objects.filter(is_active=True)
    county_id = _county_id(county)
    if county_id is None:
        return items
    switched_off = CountyItem.objects.filter(county_id=county_id, enabled=False)
    return items.exclude(pk__in=switched_off.values("item_id"))


def settings_for(county, item: ServiceItem) -> CountyItem:
    """The county's settings of the item; an unsaved default one (enabled, template
    values) when it has none."""
    county_id = _county_id(county)
    found = None
    if county_id is not None:
        found = (
            CountyItem.objects.filter(county_id=county_id, item=item)
            .select_related("department__township", "bureau")
            .first()
        )
    if found is None:
        found = CountyItem(county_id=county_id, item=item)
    found.item = item
    return found


def county_of_user(user) -> int | None:
    """The county id of a staff member's place; None for the global administrator."""
    if not getattr(user, "is_authenticated", False):
        return None
    if user.village_id:
        return user.village.township.county_id
    if user.department_id:
        return user.department.county_id
    if user.township_id:
        return user.township.county_id
    return user.county_id


def county_of_village(village) -> int | None:
    return village.township.county_id if village is not None else None


def public_county(code: str = "") -> County | None:
    """The county a public page shows: the one asked for by its code, else the only one
    when the installation runs a single county."""
    if code:
        return County.objects.filter(code=code).first()
    counties = list(County.objects.all()[:2])
    return counties[0] if len(counties) == 1 else None


def save_settings(setting: CountyItem, *, actor=None, changed: list[str] | None = None) -> None:
    """Write a county's settings of an item and record what changed in the audit trail,
    which is the history of a county's catalog."""
    from daiban.audit import trail

    setting.save()
    fields = changed if changed is not None else ["enabled", "department", "bureau", "phone"]
    trail.record(
        "catalog.county_item",
        user=actor,
        obj=setting,
        detail={
            "county": setting.county.code,
            "item": setting.item.code,
            "changed": {name: str(getattr(setting, name) or "") for name in fields},
        },
    )
