"""Items found by the words people use (常用名): built-in common names of the default
catalog, a county's own, and full pinyin, in the guide, the agent's inquiry page and the API."""

import pytest

from daiban.api.models import ApiToken
from daiban.catalog.aliases import built_in, split_aliases
from daiban.catalog.selectors import search_items
from daiban.catalog.services import load_default_catalog
from daiban.rollout.models import ItemAlias


def found(text: str) -> set[str]:
    return set(search_items(text).values_list("name", flat=True))


@pytest.mark.parametrize(
    ("word", "item"),
    [
        ("低保", "最低生活保障申请"),
        ("新农合", "城乡居民医保参保登记"),
        ("五保", "特困人员救助供养申请"),
        ("残疾证", "残疾人证申领"),
        ("医保", "城乡居民医保参保登记"),
        ("养老", "城乡居民养老保险参保登记"),
        ("准生证", "生育登记"),
        ("粮补", "粮食直补存折更名"),
        ("dibao", "最低生活保障申请"),
        ("xnh", "城乡居民医保参保登记"),
        ("zuidi", "最低生活保障申请"),
    ],
)
def test_the_default_catalog_knows_the_common_names(db, word, item):
    load_default_catalog()
    assert item in found(word)


def test_every_built_in_common_name_belongs_to_an_item_of_the_catalog(db):
    load_default_catalog()
    from daiban.catalog.models import ServiceItem

    codes = set(ServiceItem.objects.values_list("code", flat=True))
    assert set(built_in()) == codes
    assert sum(1 for names in built_in().values() if names) >= 40


def test_a_county_adds_its_own_common_name(world):
    assert "最低生活保障申请" not in found("吃补助")
    ItemAlias.objects.create(county=world.county, item=world.subsistence, aliases="吃补助，救济粮")
    assert "最低生活保障申请" in found("吃补助")
    assert "最低生活保障申请" in found("救济粮")
    assert split_aliases("粮补、粮补存折 / 一折通") == ["粮补", "粮补存折", "一折通"]


def test_a_withdrawn_item_is_not_found_by_its_common_name(world):
    world.subsistence.is_active = False
    world.subsistence.save()
    assert "最低生活保障申请" not in found("低保")


def test_the_guide_the_inquiry_page_and_the_api_find_an_item_by_its_common_name(client, world):
    assert "最低生活保障申请" in client.get("/guide/", {"q": "低保"}).content.decode()
    client.force_login(world.agent)
    assert "最低生活保障申请" in client.get("/inquiries/new/", {"q": "低保"}).content.decode()
    _, key = ApiToken.issue(world.agent, "phone")
    listed = client.get(
        "/api/v1/catalog/items", {"q": "低保"}, HTTP_AUTHORIZATION=f"Bearer {key}"
    ).json()
    rows = listed["items"] if isinstance(listed, dict) else listed
    assert "最低生活保障申请" in {row["name"] for row in rows}
