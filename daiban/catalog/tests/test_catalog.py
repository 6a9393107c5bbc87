import pytest
from django.core.exceptions import ValidationError

from daiban.catalog.models import Group, Level, ServiceItem
from daiban.catalog.selectors import search_items
from daiban.catalog.services import ensure_current_version, load_default_catalog


@pytest.fixture
def catalog(db):
    load_default_catalog()
    return ServiceItem.objects.prefetch_related("materials")


def test_default_catalog_covers_every_affair_the_report_names(catalog):
    assert catalog.count() >= 30
    names = " ".join(catalog.values_list("name", flat=True))
    for affair in [
        "宅基地",
        "户",
        "转学",
        "务工",
        "结婚",
        "丧",
        "信访",
        "粮食直补存折更名",
        "生育登记",
        "最低生活保障",
        "医保",
        "养老",
        "林",
    ]:
        assert affair in names, affair
    assert set(catalog.values_list("group", flat=True)) == set(Group.values)
    assert catalog.filter(decided_by=Level.COUNTY).count() >= 8
    assert catalog.filter(proxy_allowed=False).count() >= 3


def test_every_item_is_a_complete_guide(catalog):
    for item in catalog:
        item.full_clean()
        assert item.materials.exists(), item
        assert item.trips_with_agent < item.trips_without_agent, item
        assert item.conditions and item.legal_basis, item


def test_loading_again_keeps_edits(catalog):
    item = catalog.get(name="生育登记")
    item.promised_days = 2
    item.save()
    created, kept = load_default_catalog()
    assert created == 0 and kept == catalog.count()
    assert ServiceItem.objects.get(name="生育登记").promised_days == 2


def test_guide_rules(catalog):
    item = catalog.get(name="生育登记")
    item.promised_days = item.statutory_days + 1
    with pytest.raises(ValidationError) as caught:
        item.full_clean()
    assert "promised_days" in caught.value.message_dict
    county_item = catalog.get(name="最低生活保障申请")
    county_item.county_days = 0
    with pytest.raises(ValidationError):
        county_item.full_clean()
    in_person = catalog.get(name="结婚登记预约")
    in_person.in_person_note = ""
    with pytest.raises(ValidationError):
        in_person.full_clean()


def test_versions_freeze_on_change_only(catalog):
    item = catalog.get(name="粮食直补存折更名")
    first = ensure_current_version(item)
    assert ensure_current_version(item) == first
    material = item.materials.first()
    material.notes = "须本人签字"
    material.save()
    second = ensure_current_version(item)
    assert second.number == 2 and second.materials[0]["notes"] == "须本人签字"
    assert first.materials[0]["notes"] != "须本人签字"


def test_search_by_name_or_pinyin_initials(catalog):
    assert list(search_items("存折").values_list("name", flat=True)) == ["粮食直补存折更名"]
    assert "粮食直补存折更名" in search_items("lszb").values_list("name", flat=True)
    assert "生育登记" in search_items("SYDJ").values_list("name", flat=True)
