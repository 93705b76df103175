from django import template
from django.forms import BaseForm, BoundField

register = template.Library()


@register.simple_tag
def described_widget(field):
    """Render a field's widget with ``aria-describedby`` naming its hint and its error messages."""
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_helptext")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    attrs = {"aria-describedby": " ".join(ids)} if ids else {}
    return field.as_widget(attrs=attrs)


@register.filter
def fields(form: BaseForm, names: str) -> list[BoundField]:
    """The fields of ``form`` named in ``names`` (separated by spaces), in that order, leaving out
    a name the form does not have: a page that groups its fields (fieldsets, a formset's row)
    draws each group with one loop over ``web/components/field.html``."""
    return [form[name] for name in names.split() if name in form.fields]
