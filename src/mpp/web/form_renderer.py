"""The form renderer (``FORM_RENDERER``): Django's templates, with the common widgets written here.

A select rendered through Django's widget templates costs one template include per option (and one
more for the attributes of each), which made the filter forms of the officer's inbox a fifth of the
page's CPU (docs/performance.md, issue 26). The widgets whose template is Django's own ``input``
family, ``select`` with ``select_option`` and ``textarea`` are written out here instead, from the
same context the widget gives its template, to the same characters (asserted against the
templates in ``web/tests/test_form_renderer.py``); every other template (radio buttons, checkbox
lists, file inputs, a project's own widget template) is rendered by the template engine as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

WIDGETS = "django/forms/widgets/"
# input.html, and the templates that are nothing but {% include "django/forms/widgets/input.html" %}.
INPUTS = frozenset(
    WIDGETS + name
    for name in (
        "input.html",
        "text.html",
        "number.html",
        "email.html",
        "url.html",
        "password.html",
        "hidden.html",
        "search.html",
        "tel.html",
        "date.html",
        "time.html",
        "datetime.html",
        "color.html",
        "checkbox.html",
    )
)


def _shown(value: Any) -> str:
    """``{{ value }}``: localised, then escaped unless already safe."""
    return conditional_escape(localize(value))


def _formatted(value: object) -> str:
    """``{{ value|stringformat:'s' }}``: the filter returns a plain string, which is escaped."""
    return escape("%s" % (value,))  # noqa: UP031 - the filter's own formatting


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {_shown(name)}" if value is True else f' {_shown(name)}="{_formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict[str, Any]) -> str:
    value = f' value="{_formatted(widget["value"])}"' if widget["value"] is not None else ""
    return (
        f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>\n"
    )


def _option(option: dict[str, Any]) -> str:
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_shown(option['label'])}</option>\n"
    )


class FastWidgetRenderer(DjangoTemplates):
    """Django's template renderer, except for the widget templates listed above."""

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> str:
        write = self._writer(template_name, context)
        if write is None:
            return super().render(template_name, context, request=request)
        # Stripped, as Django's renderer strips what a template gives; every value is escaped above.
        return mark_safe(write(context["widget"]).strip())

    def _writer(
        self, template_name: str, context: dict[str, Any]
    ) -> Callable[[dict[str, Any]], str] | None:
        if "widget" not in context:
            return None
        if template_name in INPUTS:
            return _input
        if template_name == WIDGETS + "textarea.html":
            return self._textarea
        if template_name == WIDGETS + "select.html":
            return self._select
        return None

    @staticmethod
    def _textarea(widget: dict[str, Any]) -> str:
        value = _shown(widget["value"]) if widget["value"] else ""
        return f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>\n'

    def _select(self, widget: dict[str, Any]) -> str:
        parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
            for option in group_choices:
                parts.append("\n  ")
                if option["template_name"] == WIDGETS + "select_option.html":
                    parts.append(_option(option))
                else:  # a widget's own option template
                    parts.append(super().render(option["template_name"], {"widget": option}))
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>\n")
        return "".join(parts)
