from django import forms
from django.test.html import parse_html

from daiban.core.widgets import LongSelect


class Choose(forms.Form):
    place = forms.ChoiceField(
        choices=[("", "---------"), ("1", "甲村"), ("2", "<b>乙</b>&村")], widget=LongSelect
    )


def test_a_long_select_writes_what_djangos_select_writes():
    plain = forms.Select(choices=Choose.base_fields["place"].choices)
    for value in (None, "2"):
        ours = str(Choose(initial={"place": value})["place"])
        django = plain.render("place", value, attrs={"id": "id_place", "required": True})
        assert parse_html(ours) == parse_html(django)  # the same elements and attributes
    assert "&lt;b&gt;乙&lt;/b&gt;&amp;村" in str(Choose()["place"])
