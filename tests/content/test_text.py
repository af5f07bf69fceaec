"""Text fields: each school reads its own text, and a kind's declared prose is what is checked and filled in."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import BaseModel

from toolkit.content import KINDS, Text, inspect, load_catalogue, read_file
from toolkit.content.text import TEMPLATES
from toolkit.settings import PROJECT_ROOT

HERE = Path(__file__).parent
GOOD = sorted((HERE / "good").glob("*.yaml"))
SCHOOL = "barley-lane-primary"
TEMPLATED = [kind for kind in KINDS.values() if kind.text.paths]


def test_settings_fill_in_each_schools_text():
    """Does one scenario read differently, with its own citations, for two schools?"""
    catalogue = load_catalogue(PROJECT_ROOT, extra=GOOD)
    scenario = catalogue.scenarios["test-two-decisions"]
    barley = scenario.for_school(catalogue.profiles["barley-lane-primary"])
    other = scenario.for_school(catalogue.profiles["test-school"])
    assert barley.steps["ask"].choices[1].label == "Do not reply. Tell the headteacher."
    assert (
        other.steps["ask"].choices[1].label == "Do not reply. Tell the DSL and the head of school."
    )
    assert "Barley Lane Primary School wants" in barley.steps["ask"].choices[1].feedback
    assert barley.steps["ask"].choices[0].cites == ["barley-lane-primary#staff-use-4"]
    assert other.steps["ask"].choices[0].cites == []
    assert "{{" in scenario.steps["ask"].choices[1].label  # the shared scenario is untouched


def strings(data: Any, path: str = "") -> dict[str, str]:
    """Every piece of text in plain data, by key path."""
    if isinstance(data, dict):
        return {p: s for k, v in data.items() for p, s in strings(v, f"{path}/{k}").items()}
    if isinstance(data, list):
        return {p: s for i, v in enumerate(data) for p, s in strings(v, f"{path}/{i}").items()}
    return {path: data} if isinstance(data, str) else {}


def free_text(model: BaseModel, path: str = "") -> set[str]:
    """The key paths of every field typed as free text (Text or list[Text]) in a model."""
    found = set()
    for name, info in type(model).model_fields.items():
        value, where = getattr(model, name), f"{path}/{name}"
        if info.annotation is str and get_args(Text)[1] in info.metadata:
            found.add(where)
        elif info.annotation == list[Text]:
            found.update(f"{where}/{i}" for i in range(len(value)))
        for key, item in (
            value.items()
            if isinstance(value, dict)
            else enumerate(value)
            if isinstance(value, list)
            else [(None, value)]
        ):
            if isinstance(item, BaseModel):
                found |= free_text(item, where if key is None else f"{where}/{key}")
    return found


def poisoned(data: Any) -> Any:
    """The data with every piece of text naming a setting that does not exist."""
    if isinstance(data, dict):
        return {k: poisoned(v) for k, v in data.items()}
    if isinstance(data, list):
        return [poisoned(v) for v in data]
    return "{{ no_such_setting }}" if isinstance(data, str) else data


class _Marked:
    def render(self, *args, **kwargs) -> str:
        return "<filled in>"


@pytest.mark.parametrize("kind", TEMPLATED, ids=[kind.name for kind in TEMPLATED])
def test_the_declared_text_fields_are_the_ones_checked_and_filled_in(kind, catalogue, monkeypatch):
    """Is every piece of free text in a shipped file both checked for unknown settings and filled
    in for a school, and is nothing else?"""
    key = min(k for k in catalogue.files if k.startswith(f"{kind.name}:"))
    path = PROJECT_ROOT / catalogue.files[key]
    model = getattr(catalogue, kind.table)[key.split(":", 1)[1]]
    expected = free_text(model)
    assert expected

    data, _ = read_file(path, path.name)
    _, problems = inspect(poisoned(data), path.name, kind.name)
    checked = {p.path for p in problems if p.message == "unknown setting 'no_such_setting'"}

    monkeypatch.setattr(TEMPLATES, "from_string", lambda text: _Marked())
    rendered = model.for_school(catalogue.profile(SCHOOL))
    filled = {p for p, text in strings(rendered.model_dump()).items() if text == "<filled in>"}

    assert checked == expected
    assert filled == expected


def test_kinds_without_text_fields_fill_in_nothing():
    """Are profiles, national guidance and module lists (no prose filled in per school) left out?"""
    assert {kind.name for kind in KINDS.values() if not kind.text.paths} == {
        "profile",
        "guidance",
        "modules",
    }


@pytest.mark.parametrize("kind", TEMPLATED, ids=[kind.name for kind in TEMPLATED])
def test_every_declared_text_field_names_a_field_of_the_model(kind):
    """Does each declared key path lead through the model's fields (so a misspelt one fails)?"""
    for declared in kind.text.paths:
        models = [kind.model]
        for part in declared.split("/"):
            if part == "*":
                continue
            models = [m for m in models if part in m.model_fields]
            assert models, f"{kind.name}: {declared!r} names no field {part!r}"
            models = [t for m in models for t in _model_types(m.model_fields[part].annotation)]


def _model_types(annotation: Any) -> list[type[BaseModel]]:
    """The models inside a field's type: list[X], dict[str, X], unions of models."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _model_types(arg)]
