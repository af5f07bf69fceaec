"""The shipped content itself: it validates, names no real person and quotes each policy exactly."""

from __future__ import annotations

import hashlib
import re

import pytest

from toolkit.content import load_catalogue, shipped_files
from toolkit.settings import PROJECT_ROOT

SOURCES = PROJECT_ROOT / "policies" / "sources"


def test_every_shipped_file_validates(catalogue):
    """Does all shipped content load with no problem?"""
    assert "barley-lane-primary" in catalogue.profiles
    assert "friend-request-from-pupil" in catalogue.scenarios
    assert catalogue.modules


# Real people named in the source policies, kept as hashes so that not even a test names them.
REAL_NAME_HASHES = {"001934c3d6ff6e7f", "16f5656e1e1ed01f", "9df402202473688e"}


def names_found(text: str) -> set[str]:
    words = re.findall(r"[a-z]+", text.lower())
    phrases = {*words, *(" ".join(pair) for pair in zip(words, words[1:], strict=False))}
    return {hashlib.sha256(p.encode()).hexdigest()[:16] for p in phrases} & REAL_NAME_HASHES


def test_shipped_text_names_no_real_person():
    """Do the shipped profiles, scenarios, quizzes and lessons avoid the names of real people?"""
    files = [*PROJECT_ROOT.glob("policies/*.yaml"), *PROJECT_ROOT.glob("scenarios/**/*.yaml")]
    assert not names_found(" ".join(p.read_text() for p in files))


def test_source_policies_name_no_real_person():
    """Are the names of people in the copied source policies withheld?"""
    sources = sorted(SOURCES.glob("*.txt"))
    assert len(sources) == len(list(PROJECT_ROOT.glob("policies/*.yaml")))
    assert not names_found(" ".join(p.read_text(encoding="utf-8") for p in sources))


def test_source_policies_are_not_read_as_content():
    """Does loading the catalogue leave policies/sources/ alone?"""
    assert not [p for p in shipped_files(PROJECT_ROOT) if SOURCES in p.parents]


@pytest.mark.parametrize(
    "school", sorted(p.stem for p in (PROJECT_ROOT / "policies").glob("*.yaml"))
)
def test_profile_clauses_quote_the_policy(school):
    """Is every catalogue clause found word for word in the school's policy text?"""
    source = SOURCES / f"{school}.txt"
    policy = " ".join(source.read_text(encoding="utf-8").replace("**", "").split())
    profile = load_catalogue(PROJECT_ROOT).profiles[school]
    for clause in profile.clauses:
        assert " ".join(clause.text.split()) in policy, clause.id


# The first words of a list item that is an instruction only with the list's "Do not" before it.
BARE_VERBS = {
    "include",
    "bring",
    "post",
    "share",
    "use",
    "make",
    "accept",
    "add",
    "send",
    "discuss",
    "comment",
    "upload",
    "publish",
    "reveal",
    "disclose",
    "name",
    "identify",
    "contact",
}


def source_items(source: str) -> list[str]:
    """The policy's paragraphs and list items, in order, each on one line."""
    text = source.replace("**", "")
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n|\n(?=\s*[-*•] )", text) if p.strip()]


@pytest.mark.parametrize(
    "school", sorted(p.stem for p in (PROJECT_ROOT / "policies").glob("*.yaml"))
)
def test_items_of_a_do_not_list_keep_their_negation(school):
    """Does every clause that continues a list of things not to do (the item before it says
    "Do not") but starts with a bare verb carry the list's "Do not", so that it is never
    quoted as an instruction?"""
    items = source_items((SOURCES / f"{school}.txt").read_text(encoding="utf-8"))
    profile = load_catalogue(PROJECT_ROOT).profiles[school]
    by_text = {" ".join(c.text.split()): c for c in profile.clauses}
    negated = False  # the item before is one of things not to do
    for item in items:
        clause = by_text.get(item)
        bare = item.split(" ", 1)[0].lower() in BARE_VERBS
        if clause is not None and bare and negated:
            assert clause.lead_in == "Do not", f"{clause.id}: {item[:60]}"
        negated = item.lower().startswith("do not") or (negated and bare)
