"""Browser-test helpers for pages enhanced with htmx."""

from __future__ import annotations

from collections.abc import Callable

_LISTEN = """() => {
  window.__mppSettled = new Promise((resolve) =>
    document.addEventListener("htmx:afterSettle", () => resolve(true), { once: true }));
}"""


def settled(page, action: Callable[[], object]) -> None:
    """Do ``action`` (a click) and wait for what it leads to: a new page, or, where htmx sends it
    in the background, the part that came back put in place and settled."""
    page.evaluate(_LISTEN)
    action()
    page.wait_for_load_state("load")
    # After a full page load the promise is gone (undefined): nothing to wait for.
    page.evaluate("() => window.__mppSettled || null")
