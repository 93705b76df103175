from django import template

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
