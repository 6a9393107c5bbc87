"""The State Council's holiday notice for one year, entered in one form."""

import datetime
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_DATE = r"(\d{4})[-./年](\d{1,2})[-./月](\d{1,2})日?"
_LINE = re.compile(rf"^\s*{_DATE}(?:\s*(?:\.\.|—|–|~|至|到|-)\s*{_DATE})?\s*(?P<name>.*?)\s*$")


def _lines(text: str, *, ranges: bool) -> list[tuple[datetime.date, datetime.date, str, int]]:
    found, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        try:
            if not match:
                raise ValueError
            parts = [int(p) if p else None for p in match.groups()[:6]]
            start = datetime.date(*parts[:3])
            end = datetime.date(*parts[3:6]) if parts[3] else start
        except (ValueError, TypeError):
            errors.append(_("Line %(n)d: write a date like 2027-01-01 and a name.") % {"n": number})
            continue
        if end < start or (end != start and not ranges) or (end - start).days > 15:
            errors.append(_("Line %(n)d: the range of days is not right.") % {"n": number})
            continue
        found.append((start, end, match["name"], number))
    if errors:
        raise ValidationError(errors)
    return found


class HolidayNoticeForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    holidays = forms.CharField(
        label=_("Holidays"),
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "One holiday a line, as the notice gives it: a day or a range and its name,"
            " e.g. “2027-02-05 至 2027-02-12 春节”. Weekend days in a range are left out:"
            " they are off anyway."
        ),
    )
    workdays = forms.CharField(
        label=_("Make-up working days"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("One weekend day that is worked a line, e.g. “2027-02-14 春节调休”."),
    )
    note = forms.CharField(
        label=_("Notice"),
        max_length=200,
        required=False,
        help_text=_("Where it comes from, e.g. 国办发明电〔2026〕7号."),
    )

    def clean_holidays(self) -> list[tuple[datetime.date, str]]:
        days = []
        for start, end, name, _number in _lines(self.cleaned_data["holidays"], ranges=True):
            day = start
            while day <= end:
                if day.weekday() < 5:
                    days.append((day, name))
                day += datetime.timedelta(days=1)
        return days

    def clean_workdays(self) -> list[tuple[datetime.date, str]]:
        return [
            (start, name)
            for start, _end, name, _number in _lines(self.cleaned_data["workdays"], ranges=False)
        ]
