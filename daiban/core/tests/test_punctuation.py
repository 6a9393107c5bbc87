from django.template import Context, Template
from django.utils import translation

LABEL = Template(
    '{% load i18n daiban_forms %}{% translate "Rating" %}{% colon %}5{% lp %}x{% rp %}'
)


def test_labels_take_the_punctuation_of_the_language():
    with translation.override("zh-hans"):
        assert LABEL.render(Context()) == "评价：5（x）"
    with translation.override("en"):
        assert LABEL.render(Context()) == "Rating: 5 (x)"
