"""Parsing: a plain dict becomes a typed model, and the JSON Schemas for editors are current."""

from __future__ import annotations

import json
from pathlib import Path

from toolkit.content import Scenario, json_schemas, parse, read_yaml
from toolkit.settings import PROJECT_ROOT

HERE = Path(__file__).parent


def test_parse_touches_no_files_and_returns_typed_models():
    """Does parse() build a Scenario from a plain dict?"""
    data = read_yaml((HERE / "good" / "two-decisions.yaml").read_text(), "two-decisions.yaml")
    scenario = parse(data, "two-decisions.yaml")
    assert isinstance(scenario, Scenario)
    assert scenario.steps["done"].choices == []


def test_exported_json_schemas_are_current():
    """Are the JSON Schemas shipped for editors the ones the models give today?"""
    for kind, schema in json_schemas().items():
        shipped = json.loads((PROJECT_ROOT / "schemas" / f"{kind}.schema.json").read_text())
        assert shipped == json.loads(json.dumps(schema)), f"run: esafety schema ({kind} is stale)"
