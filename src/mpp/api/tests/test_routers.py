"""Routers are thin: they read through the apps' selectors, write through their services, and
answer with ninja schemas (issue 24: six routers queried the ORM, eight built answers by hand)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROUTERS = sorted((Path(__file__).parents[1] / "routers").glob("*.py"))
QUERYSET_METHODS = {
    "objects",
    "filter",
    "exclude",
    "order_by",
    "select_related",
    "prefetch_related",
    "annotate",
    "aggregate",
    "values",
    "values_list",
    "in_bulk",
}


def _operations(tree: ast.AST) -> list[ast.FunctionDef]:
    """The functions a router decorator declares as operations."""
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef)
        and any(
            isinstance(decorator, ast.Call)
            and getattr(getattr(decorator.func, "value", None), "id", "") == "router"
            for decorator in node.decorator_list
        )
    ]


def _problems(tree: ast.AST) -> list[str]:
    found = []
    answers = {id(node) for op in _operations(tree) for node in ast.walk(op)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in QUERYSET_METHODS:
            found.append(f"line {node.lineno}: .{node.attr}")
        if isinstance(node, ast.Name) and node.id in {"get_object_or_404", "Prefetch"}:
            found.append(f"line {node.lineno}: {node.id}")
        if id(node) not in answers:
            continue
        if isinstance(node, ast.Return) and isinstance(node.value, ast.Dict):
            found.append(f"line {node.lineno}: an answer built as a dict")
        if isinstance(node, ast.Return) and isinstance(node.value, ast.List | ast.ListComp):
            found.append(f"line {node.lineno}: an answer built as a list")
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", "") == "Status"
            and any(isinstance(arg, ast.Dict) for arg in node.args)
        ):
            found.append(f"line {node.lineno}: an answer built as a dict")
    return found


@pytest.mark.parametrize("router", ROUTERS, ids=lambda path: path.stem)
def test_routers_use_selectors_and_schemas(router):
    assert _problems(ast.parse(router.read_text())) == []


def test_the_check_finds_what_it_looks_for():
    source = (
        "@router.get('/x')\n"
        "def f(request):\n"
        "    rows = Thing.objects.filter(a=1)\n"
        "    get_object_or_404(rows, pk=1)\n"
        "    return {'id': 1}\n"
    )
    assert len(_problems(ast.parse(source))) == 4
