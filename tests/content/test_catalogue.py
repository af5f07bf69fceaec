"""Loading the catalogue: good files load beside the shipped ones, bad files fail with their message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from toolkit.content import ContentError, content_version, load_catalogue, read_yaml
from toolkit.settings import PROJECT_ROOT

HERE = Path(__file__).parent
BAD = sorted((HERE / "bad").glob("*.yaml"))
GOOD = sorted((HERE / "good").glob("*.yaml"))


def expectations(path: Path) -> list[str]:
    text = path.read_bytes().decode("utf-8", errors="replace")  # some bad files are not text
    return re.findall(r"^# expect: (.+)$", text, flags=re.M)


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


def test_content_version_changes_with_either_file(catalogue):
    """Does a change to the scenario or to the school's policy give a new content version?"""
    version = catalogue.version("friend-request-from-pupil", "barley-lane-primary")
    scenario_blob = catalogue.blobs["scenario:friend-request-from-pupil"]
    profile_blob = catalogue.blobs["profile:barley-lane-primary"]
    assert version == content_version(scenario_blob, profile_blob)
    assert version != content_version(scenario_blob + b"\n", profile_blob)
    assert version != content_version(scenario_blob, profile_blob + b"\n")
