"""The work list tells a late step from a late case."""

import datetime

import time_machine
from django.utils import timezone

from daiban.testing import factories


def test_a_step_past_its_date_on_a_case_still_on_time_says_the_step_is_late(client, world):
    case = factories.at_department(world)  # received by the finance office on 2 March
    hop = case.hops.get(ended_at__isnull=True)
    assert hop.due_date < case.due_date
    day = hop.due_date + datetime.timedelta(days=1)
    client.force_login(world.agent)
    noon = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    with time_machine.travel(noon, tick=False):
        page = client.get("/").content.decode()
    assert "本环节已过期限" in page
    assert "已超期" not in page  # the case itself keeps its promise
