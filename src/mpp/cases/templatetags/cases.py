from django import template

from mpp.cases.models import Status
from mpp.cases.workflow import APPLICATION, WITHOUT_APPROVAL

register = template.Library()

_ACTION_LABELS = {
    t.action: t.label for t in (*APPLICATION.transitions, *WITHOUT_APPROVAL.transitions)
}


@register.filter
def status_label(value: str) -> str:
    try:
        return Status(value).label
    except ValueError:
        return value


@register.filter
def action_label(value: str) -> str:
    return _ACTION_LABELS.get(value, value)
