"""Content files: shipped content validates, bad files fail with the expected message."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from toolkit.content import (
    ContentError,
    Scenario,
    content_version,
    json_schemas,
    load_catalogue,
    parse,
    read_yaml,
)
from toolkit.settings import PROJECT_ROOT

HERE = Path(__file__).parent / "content"
BAD = sorted((HERE / "bad").glob("*.yaml"))
GOOD = sorted((HERE / "good").glob("*.yaml"))


def expectations(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8", errors="replace")  # some bad files are not text
    return re.findall(r"^# expect: (.+)$", text, flags=re.M)


def test_every_shipped_file_validates(catalogue):
    """Does all shipped content load with no problem?"""
    assert "barley-lane-primary" in catalogue.profiles
    assert "friend-request-from-pupil" in catalogue.scenarios
    assert catalogue.modules


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_file_fails_with_its_message(path: Path):
    """Does each defective file fail, naming the file, the key path and the problem?"""
    expected = expectations(path)
    assert expected, f"{path.name} needs '# expect:' lines"
    with pytest.raises(ContentError) as caught:
        load_catalogue(PROJECT_ROOT, extra=[path])
    message = str(caught.value)
    for text in expected:
        assert text in message
    assert all(p.file.endswith(path.name) for p in caught.value.problems)


def test_bad_files_cover_every_defect_the_issue_names():
    """Are unknown keys, YAML booleans, dangling next, unreachable steps and missing clauses all tested?"""
    names = {p.stem for p in BAD}
    assert {
        "unknown-key",
        "yaml-boolean",
        "next-missing",
        "unreachable-step",
        "unknown-clause",
        "unknown-setting",
    } <= names


def test_all_problems_are_reported_at_once():
    """Does one file with three defects of different kinds yield all three?"""
    with pytest.raises(ContentError) as caught:
        load_catalogue(PROJECT_ROOT, extra=[HERE / "bad" / "several-problems.yaml"])
    assert len(caught.value.problems) == 3


@pytest.mark.parametrize("path", GOOD, ids=[p.stem for p in GOOD])
def test_good_file_loads(path: Path):
    """Does each good test file load beside the shipped content?"""
    catalogue = load_catalogue(PROJECT_ROOT, extra=GOOD)
    data = read_yaml(path.read_text(), path.name)
    assert data["id"] in catalogue.scenarios or data["id"] in catalogue.profiles


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


def test_parse_touches_no_files_and_returns_typed_models():
    """Does parse() build a Scenario from a plain dict?"""
    data = read_yaml((HERE / "good" / "two-decisions.yaml").read_text(), "two-decisions.yaml")
    scenario = parse(data, "two-decisions.yaml")
    assert isinstance(scenario, Scenario)
    assert scenario.steps["done"].choices == []


def test_content_version_changes_with_either_file(catalogue):
    """Does a change to the scenario or to the school's policy give a new content version?"""
    version = catalogue.version("friend-request-from-pupil", "barley-lane-primary")
    scenario_blob = catalogue.blobs["scenario:friend-request-from-pupil"]
    profile_blob = catalogue.blobs["profile:barley-lane-primary"]
    assert version == content_version(scenario_blob, profile_blob)
    assert version != content_version(scenario_blob + b"\n", profile_blob)
    assert version != content_version(scenario_blob, profile_blob + b"\n")


def test_exported_json_schemas_are_current():
    """Are the JSON Schemas shipped for editors the ones the models give today?"""
    for kind, schema in json_schemas().items():
        shipped = json.loads((PROJECT_ROOT / "schemas" / f"{kind}.schema.json").read_text())
        assert shipped == json.loads(json.dumps(schema)), f"run: esafety schema ({kind} is stale)"


# Real people named in the source policies, kept as hashes so that not even a test names them.
REAL_NAME_HASHES = {"001934c3d6ff6e7f", "16f5656e1e1ed01f", "9df402202473688e"}


def test_shipped_text_names_no_real_person():
    """Do the shipped profiles, scenarios, quizzes and lessons avoid the names of real people?"""
    files = [*PROJECT_ROOT.glob("policies/*.yaml"), *PROJECT_ROOT.glob("scenarios/**/*.yaml")]
    words = re.findall(r"[a-z]+", " ".join(p.read_text().lower() for p in files))
    phrases = {*words, *(" ".join(pair) for pair in zip(words, words[1:], strict=False))}
    found = {hashlib.sha256(p.encode()).hexdigest()[:16] for p in phrases} & REAL_NAME_HASHES
    assert not found


@pytest.mark.parametrize(
    "school", sorted(p.stem for p in (PROJECT_ROOT / "policies").glob("*.yaml"))
)
def test_profile_clauses_quote_the_policy(school):
    """Is every catalogue clause found word for word in the school's policy text?"""
    source = PROJECT_ROOT.parent / "shared" / "policies" / f"{school}.txt"
    if not source.exists():
        pytest.skip("the source policies are not beside this checkout")
    policy = " ".join(source.read_text(encoding="utf-8").replace("**", "").split())
    profile = load_catalogue(PROJECT_ROOT).profiles[school]
    for clause in profile.clauses:
        assert " ".join(clause.text.split()) in policy, clause.id
