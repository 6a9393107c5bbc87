"""Dates as Chinese papers and text messages write them."""

import datetime

from django.utils import timezone


def cn_date(value: datetime.date | datetime.datetime | None) -> str:
    """2026年3月5日; a datetime is taken on its local day; None is blank."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return f"{value.year}年{value.month}月{value.day}日"
