"""Text fields: a content type's prose, declared once, checked for settings and filled in per school."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cached_property
from typing import Any, TypeVar

import jinja2
import jinja2.meta
from pydantic import BaseModel

from toolkit.content.base import Problem, known

TEMPLATES = jinja2.Environment(
    undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True
)

M = TypeVar("M", bound=BaseModel)
Tree = dict[str, "Tree"]


class TextFields:
    """The key paths of a type's prose, e.g. "steps/*/choices/*/label" ('*': every entry).

    The same declaration finds the prose in a file's raw data, for the template check,
    and fills it in on a typed model, for each school, so the two cannot drift apart.
    """

    def __init__(self, *paths: str):
        self.paths = paths

    def __repr__(self) -> str:
        return f"TextFields{self.paths!r}"

    @cached_property
    def _tree(self) -> Tree:
        tree: Tree = {}
        for path in self.paths:
            node = tree
            for part in path.split("/"):
                node = node.setdefault(part, {})
        return tree

    def find(self, data: Any) -> Iterator[tuple[str, Any]]:
        """Each declared text in raw data, with its key path; other shapes are skipped."""
        yield from _find(data, self._tree, "")

    def fill(self, model: M, fn: Callable[[str, str], str]) -> M:
        """A copy of the model with each declared text passed through fn(key_path, text)."""
        return _fill(model, self._tree, fn, "")

    def render(self, model: M, values: dict[str, Any]) -> M:
        """A copy of the model with each declared text rendered as a template of values."""
        return self.fill(model, lambda _path, text: TEMPLATES.from_string(text).render(values))

    def check(self, data: Any, file: str, names: Iterable[str]) -> Iterator[Problem]:
        """Template problems in the declared texts of raw data: bad syntax, unknown names."""
        names = frozenset(names)
        for path, text in self.find(data):
            yield from _check_template(text, path, file, names)


def _find(data: Any, tree: Tree, path: str) -> Iterator[tuple[str, Any]]:
    for key, below in tree.items():
        if key == "*":
            entries = (
                data.items()
                if isinstance(data, dict)
                else enumerate(data)
                if isinstance(data, list)
                else ()
            )
        else:
            entries = [(key, data[key])] if isinstance(data, dict) and key in data else []
        for name, value in entries:
            if below:
                yield from _find(value, below, f"{path}/{name}")
            else:
                yield f"{path}/{name}", value


def _fill(value: Any, tree: Tree, fn: Callable[[str, str], str], path: str) -> Any:
    if not tree:
        return fn(path, value) if isinstance(value, str) else value
    if isinstance(value, BaseModel):
        fields = type(value).model_fields
        update = {
            key: _fill(getattr(value, key), below, fn, f"{path}/{key}")
            for key, below in tree.items()
            if key in fields
        }
        return value.model_copy(update=update) if update else value
    if "*" not in tree:
        return value
    below = tree["*"]
    if isinstance(value, dict):
        return {k: _fill(v, below, fn, f"{path}/{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, below, fn, f"{path}/{i}") for i, v in enumerate(value)]
    return value


def _check_template(text: Any, path: str, file: str, names: frozenset[str]) -> Iterator[Problem]:
    if not isinstance(text, str):
        return
    try:
        used = jinja2.meta.find_undeclared_variables(TEMPLATES.parse(text))
    except jinja2.TemplateSyntaxError as err:
        yield Problem(
            file, path, f"template error: {err.message}", "write a setting as {{ setting_name }}"
        )
        return
    for name in sorted(used - names):
        yield Problem(file, path, f"unknown setting {name!r}", known("settings", names))
