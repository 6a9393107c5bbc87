"""Form rendering helpers for templates."""

from django import forms, template
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()


@register.filter
def with_ids(form: forms.BaseForm, prefix: str) -> SafeString:
    """The form as divs with its own ids (`result_note`, `reply_note`), so that several
    forms on one page do not repeat `id_note` and every label points at its own field.
    Only the ids change; the posted field names stay as the view reads them."""
    form.auto_id = f"{prefix}_%s"
    return form.as_div()


def _chinese() -> bool:
    return (get_language() or "").startswith("zh")


@register.simple_tag
def colon() -> str:
    """After a label: full-width in Chinese (标签：), ": " in English."""
    return "：" if _chinese() else ": "


@register.simple_tag
def lp() -> str:
    """An opening bracket: full-width in Chinese, " (" in English."""
    return "（" if _chinese() else " ("


@register.simple_tag
def rp() -> str:
    return "）" if _chinese() else ")"
