"""Form rendering helpers for templates."""

from django import template

register = template.Library()


@register.filter
def with_ids(form, prefix: str):
    """The form as divs with its own ids (`result_note`, `reply_note`), so that several
    forms on one page do not repeat `id_note` and every label points at its own field.
    Only the ids change; the posted field names stay as the view reads them."""
    form.auto_id = f"{prefix}_%s"
    return form.as_div()
