"""Late November with next year unpublished: the director and the administrator are told,
the administrator enters the State Council's notice in one form, due dates already
promised stay and new ones count with it."""

import datetime

import pytest
import time_machine

from daiban.testing.factories import accepted
from daiban.testing.world import verified_login
from daiban.workdays.calendar import WorkCalendar
from daiban.workdays.models import CalendarYear, SpecialDay

CST = datetime.timezone(datetime.timedelta(hours=8))
LATE_NOVEMBER = datetime.datetime(2026, 11, 27, 10, tzinfo=CST)
PUBLISH = "/admin/workdays/calendaryear/publish/"
NOTICE_2027 = {
    "year": "2027",
    # A range as the notice gives it; its weekend days (6, 7 Feb) are off anyway.
    "holidays": "2027-01-01 元旦\n2027年2月5日 至 2027年2月11日 春节\n",
    "workdays": "2027-02-13 春节调休\n",
    "note": "国办发明电〔2026〕（测试）",
}


@pytest.fixture
def late_november():
    with time_machine.travel(LATE_NOVEMBER, tick=False):
        yield


def test_the_director_and_the_administrator_are_told(world, client, late_november):
    client.force_login(world.director)
    page = client.get("/")
    assert page.context["calendar_provisional_year"] == 2027
    assert b'class="msg warning"' in page.content
    assert PUBLISH.encode() not in page.content  # only the administrator can enter it

    verified_login(client, world.admin)
    admin_index = client.get("/admin/")
    assert admin_index.context["calendar_provisional_year"] == 2027
    assert PUBLISH.encode() in admin_index.content

    client.force_login(world.agent)
    assert "calendar_provisional_year" not in client.get("/").context


def test_no_notice_before_november(world, client):
    with time_machine.travel(datetime.datetime(2026, 10, 31, 10, tzinfo=CST), tick=False):
        client.force_login(world.director)
        assert "calendar_provisional_year" not in client.get("/").context


def test_the_notice_in_one_form_keeps_promised_due_dates(world, client, late_november):
    promised = accepted(world, day="2026-12-29")  # 元旦 2027 still counted as a working day
    verified_login(client, world.admin)
    assert client.get(PUBLISH).status_code == 200

    response = client.post(PUBLISH, NOTICE_2027)
    assert response.status_code == 302, response.context["form"].errors

    year = CalendarYear.objects.get(year=2027)
    assert year.source == CalendarYear.Source.ADMIN
    days = dict(SpecialDay.objects.filter(date__year=2027).values_list("date", "is_workday"))
    assert days == {
        datetime.date(2027, 1, 1): False,
        **{datetime.date(2027, 2, d): False for d in (5, 8, 9, 10, 11)},
        datetime.date(2027, 2, 13): True,
    }
    assert "calendar_provisional_year" not in client.get("/admin/").context

    before = promised.due_date
    promised.refresh_from_db()
    assert promised.due_date == before  # what was promised stays
    new = accepted(world, day="2026-12-29")
    calendar = WorkCalendar.load()
    assert not calendar.is_workday(datetime.date(2027, 1, 1))
    assert new.due_date > promised.due_date  # the holiday is not counted any more


def test_a_wrong_notice_is_refused_whole(world, client, late_november):
    verified_login(client, world.admin)
    response = client.post(
        PUBLISH, {**NOTICE_2027, "workdays": "2027-02-15 not a weekend\n", "holidays": "1月1日"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["holidays"]
    assert not CalendarYear.objects.filter(year=2027).exists()

    response = client.post(PUBLISH, {**NOTICE_2027, "workdays": "2027-02-15 星期一\n"})
    assert response.status_code == 200
    assert "2027-02-15" in str(response.context["form"].non_field_errors())
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_only_administrators_publish(world, client, late_november):
    client.force_login(world.director)
    assert client.get(PUBLISH).status_code in (302, 403)
    assert client.post(PUBLISH, NOTICE_2027).status_code in (302, 403)
    assert not CalendarYear.objects.filter(year=2027).exists()
