"""`esafety validate`, `schema` and `coverage`: the content commands, which need no data folder."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.cli import environment, esafety
from toolkit.settings import PROJECT_ROOT

BAD = Path(__file__).parent.parent / "content" / "bad"


def test_validate_passes_on_the_shipped_content(home):
    """Does `esafety validate` accept all shipped content?"""
    result = esafety(home, "validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK")


def test_validate_fails_on_bad_files_with_every_problem_and_no_traceback(home):
    """Does `esafety validate FILE...` exit non-zero listing each file's problems, without a traceback?"""
    files = [str(BAD / "yaml-boolean.yaml"), str(BAD / "next-missing.yaml")]
    result = esafety(home, "validate", *files)
    assert result.returncode == 1
    assert "yaml-boolean.yaml: /steps/ask/choices/2/label" in result.stderr
    assert "next-missing.yaml: /steps/ask/choices/1/next" in result.stderr
    assert "Traceback" not in result.stderr


HOSTILE = [
    "key-is-mapping",
    "key-is-list",
    "too-deep",
    "alias-bomb",
    "tab-indented",
    "binary",
    "control-character",
    "empty",
    "bad-date",
]


def test_validate_reports_hostile_yaml_with_file_and_line_and_no_traceback(home):
    """Does a malformed YAML file of any shape give its file and line, never a traceback?"""
    result = esafety(home, "validate", *(str(BAD / f"{name}.yaml") for name in HOSTILE))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    for name in HOSTILE:
        assert re.search(rf"^\S*/{name}\.yaml: line \d+", result.stderr, re.M), name


def test_schema_writes_one_json_schema_per_kind(home, tmp_path):
    """Does `esafety schema --out DIR` write the editors' schemas, the trust file's among them?"""
    result = esafety(home, "schema", "--out", str(tmp_path / "schemas"))
    assert result.returncode == 0
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == [
        "guidance.schema.json",
        "lesson.schema.json",
        "modules.schema.json",
        "profile.schema.json",
        "quiz.schema.json",
        "scenario.schema.json",
        "trust.schema.json",
    ]


def test_coverage_csv_lists_every_clause_with_what_teaches_it(home):
    """Does `esafety coverage --format csv` give school,clause_id,strength,covered_by for each clause?"""
    result = esafety(home, "coverage", "--school", "barley-lane-primary", "--format", "csv")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "school,clause_id,strength,covered_by"
    row = next(line for line in lines if line.startswith("barley-lane-primary,staff-use-4,must,"))
    assert "friend-request-from-pupil/request/choice" in row


def test_coverage_min_fails_below_the_threshold(home, tmp_path):
    """Does --min exit non-zero when staff clause coverage is lower, and zero when it is met?"""
    assert esafety(home, "coverage", "--min", "100").returncode == 0
    content = tmp_path / "content"
    for folder in ("policies", "scenarios"):
        shutil.copytree(PROJECT_ROOT / folder, content / folder)
    for scenario in (content / "scenarios" / "staff").glob("*.yaml"):
        if scenario.name not in ("modules.yaml", "photos-school-trip.yaml"):
            scenario.unlink()
    env = environment(home, ESAFETY_CONTENT=str(content))
    args = ["coverage", "--min", "100", "--school", "barley-lane-primary"]
    env_result = esafety(home, *args, env=env)
    assert env_result.returncode == 2
    assert "below 100.0% for barley-lane-primary" in env_result.stderr
    assert "NOT TAUGHT" in env_result.stdout
