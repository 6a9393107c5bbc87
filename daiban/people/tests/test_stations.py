"""The village service station (代办点, issue 18): edited by the township's center
director, shown on the public village page and the notice-board poster."""

import decimal
import io

import pytest
from pypdf import PdfReader

from daiban.audit.models import AuditRecord
from daiban.core.errors import Conflict, Forbidden, Invalid
from daiban.people import stations
from daiban.places.models import Village

GOOD = {
    "station_address": "大厂村委会办公楼一楼代办点",
    "station_hours": "每天 8:00-18:00",
    "station_phone": "0776-6110200",
    "station_equipment": "办公桌、电脑、打印机、饮水机",
    "station_allowance": "1200",
}


def _village(world):
    return Village.objects.get(pk=world.village.pk)


def test_the_director_saves_the_station_and_the_same_again_changes_nothing(world):
    assert stations.update_station(
        actor=world.director, village=world.village, data=GOOD, version=0
    )
    village = _village(world)
    assert village.station_phone == "+867766110200"
    assert village.station_allowance == decimal.Decimal("1200.00")
    assert village.station_version == 1
    records = AuditRecord.objects.filter(action="village.station").count()
    assert not stations.update_station(
        actor=world.director, village=world.village, data=GOOD, version=0
    )
    assert _village(world).station_version == 1
    assert AuditRecord.objects.filter(action="village.station").count() == records


def test_an_edit_from_an_older_copy_is_refused(world):
    stations.update_station(actor=world.director, village=world.village, data=GOOD, version=0)
    with pytest.raises(Conflict):
        stations.update_station(
            actor=world.admin,
            village=world.village,
            data={**GOOD, "station_hours": "周一至周五"},
            version=0,
        )
    assert _village(world).station_hours == GOOD["station_hours"]


@pytest.mark.parametrize(
    "field, value",
    [
        ("station_phone", "12345"),
        ("station_allowance", "一千"),
        ("station_allowance", "-5"),
        ("station_allowance", "NaN"),
        ("station_allowance", "1e12"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(world, field, value):
    with pytest.raises(Invalid) as caught:
        stations.update_station(
            actor=world.director, village=world.village, data={**GOOD, field: value}, version=0
        )
    assert field in caught.value.fields
    village = _village(world)
    assert (village.station_version, village.station_equipment) == (0, "")


def test_only_the_townships_director_or_the_admin_edits(world):
    for who in (
        world.agent,
        world.leader,
        world.clerk_finance,
        world.other_director,
        world.supervisor,
    ):
        with pytest.raises(Forbidden):
            stations.update_station(actor=who, village=world.village, data=GOOD, version=0)
    assert _village(world).station_version == 0
    assert stations.update_station(actor=world.admin, village=world.village, data=GOOD, version=0)


def test_the_pages(client, world):
    url = f"/staff/stations/{world.village.pk}/"
    for who in (world.agent, world.leader, world.other_director, world.clerk_finance):
        client.force_login(who)
        assert client.get(url).status_code == 404, who
        assert client.post(url, {**GOOD, "version": 0}).status_code == 404, who
    assert _village(world).station_version == 0
    client.force_login(world.director)
    assert world.village.name in client.get("/staff/stations/").content.decode()
    page = client.post(url, {**GOOD, "station_phone": "12345", "version": 0})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'role="alert"' in html and GOOD["station_equipment"] in html  # kept what was typed
    assert _village(world).station_version == 0
    response = client.post(url, {**GOOD, "version": 0})
    assert response.status_code == 302 and response["Location"] == "/staff/stations/"
    assert _village(world).station_version == 1
    hostile = {**GOOD, "station_equipment": "<script>alert(1)</script>", "version": 1}
    assert client.post(url, hostile).status_code == 302
    # The public village page shows it, escaped.
    client.logout()
    public = client.get(f"/village/{world.village.code}/").content.decode()
    for text in (GOOD["station_address"], GOOD["station_hours"], "07766110200", "1200.00"):
        assert text in public, text
    assert "<script>alert(1)</script>" not in public
    assert "&lt;script&gt;" in public


def test_the_poster_shows_the_station(client, world):
    stations.update_station(actor=world.director, village=world.village, data=GOOD, version=0)
    response = client.get(f"/village/{world.village.code}/poster.pdf")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = "".join(p.extract_text() for p in reader.pages).replace(" ", "").replace("\n", "")
    for part in ("07766110200", "办公桌、电脑、打印机、饮水机", "1200.00元", "年度办公经费"):
        assert part in text, part
