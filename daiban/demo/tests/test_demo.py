from io import StringIO

import pytest
from django.core.management import call_command

from daiban.cases.models import Case, State
from daiban.people import crypto
from daiban.people.idnumber import parse_id_number
from daiban.people.models import Resident, Role, User
from daiban.places.models import Department, Village


@pytest.fixture
def demo(empty_db):
    out = StringIO()
    call_command("load_demo", cases=40, stdout=out)
    return out.getvalue()


def test_demo_county_has_the_reports_township(demo):
    township = Village.objects.get(name="大厂村委会").township
    assert township.villages.count() == 13
    assert Village.objects.get(name="大厂村委会").hamlets.filter(name="岩洛场村").exists()
    kinds = set(township.departments.values_list("name", flat=True))
    for name in [
        "财政所",
        "计生办",
        "民政所",
        "老龄办",
        "派出所",
        "土管所",
        "司法所",
        "信访办",
        "城建所",
        "经管中心",
        "林业站",
    ]:
        assert f"大厂壮族乡{name}" in kinds
    assert Department.objects.filter(level="county").count() >= 10
    for village in township.villages.all():
        assert village.staff.filter(role=Role.VILLAGE_AGENT).count() == 1
    assert User.objects.values("village__township").distinct().count() >= 3


def test_demo_cases_cover_every_state_and_two_years(demo):
    assert set(Case.objects.values_list("state", flat=True)) == set(State.values)
    years = {d.year for d in Case.objects.dates("created_at", "year")}
    assert len(years) >= 2


def test_hu_jianrong_renames_his_passbook_and_registers_a_birth(demo):
    hu = Resident.objects.get(name="胡建荣")
    assert hu.hamlet.name == "岩洛场村"
    stories = {c.item.name: c for c in Case.objects.filter(resident=hu)}
    assert set(stories) == {"粮食直补存折更名", "生育登记"}
    for case in stories.values():
        assert case.state == State.CLOSED
        assert case.inquiry is not None
        assert not case.papers.filter(returned_at__isnull=True).exists()


def test_demo_ids_are_valid_fakes_of_the_fictional_county(demo):
    for resident in Resident.objects.all():
        number = crypto.decrypt(resident.id_number_encrypted)
        parse_id_number(number)  # a valid checksum and date
        assert number.startswith("459901")  # a county code nobody has


def test_loading_again_changes_nothing(demo):
    before = Case.objects.count()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert Case.objects.count() == before
    assert "dachang_agent" in out.getvalue()
