"""What a policy says about itself: the school, the policy's title, when it was approved and
when it is due for review, as the document writes them."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.content import load_catalogue
from toolkit.content.policy_facts import DocumentFacts, document_facts
from toolkit.settings import PROJECT_ROOT

POLICY = Path(__file__).parent / "policies" / "oakfield-primary.txt"


def test_the_facts_of_the_fixture_policy_are_read_from_its_title_page():
    assert document_facts(POLICY.read_text(encoding="utf-8")) == DocumentFacts(
        "Oakfield Primary School", "Staff Use of Social Media Policy", "March 2026", "March 2027"
    )


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (
            "WESTBROOK ACADEMY\n\nONLINE SAFETY POLICY\n\nAdopted: 3rd May 2024\n"
            "Review date: Summer Term 2025\n\nWestbrook Academy staff must not ...",
            DocumentFacts(
                "Westbrook Academy", "Online Safety Policy", "3 May 2024", "Summer Term 2025"
            ),
        ),
        (
            "Social Media Policy\n\nThe Riverside Trust expects staff to act with care.\n"
            "Agreed by trustees on 12 January 2023",
            DocumentFacts("The Riverside Trust", "Social Media Policy", "12 January 2023", None),
        ),
        ("Staff must not post photographs of pupils.", DocumentFacts(None, None, None, None)),
    ],
    ids=["capitals-adopted-review-date", "trust-agreed", "nothing-stated"],
)
def test_facts_are_read_from_the_lines_that_state_them(document, expected):
    """Which labels and layouts are read, and is a fact the document does not state left out?"""
    assert document_facts(document) == expected


def test_a_past_review_is_not_the_next_one():
    assert document_facts("Reviewed by the head July 2021\n").review is None


def test_the_name_used_most_wins_over_a_formal_one():
    """A cover giving 'Hill C of E Primary School' while the text says 'Hill CE Primary School'
    gives the name the policy uses."""
    document = "Hill C of E Primary School\n\n" + "Hill CE Primary School staff must act.\n" * 3
    assert document_facts(document).school == "Hill CE Primary School"


CATALOGUE = load_catalogue(PROJECT_ROOT)


@pytest.mark.parametrize("school_id", sorted(CATALOGUE.profiles))
def test_the_shipped_policies_facts_agree_with_their_profiles(school_id):
    """Are the facts read from each real policy those its hand-made profile records?"""
    source = PROJECT_ROOT / "policies" / "sources" / f"{school_id}.txt"
    facts = document_facts(source.read_text(encoding="utf-8"))
    profile = CATALOGUE.profile(school_id)
    found = [facts.school, facts.title, facts.approved, facts.review]
    wanted = [profile.name, profile.policy.title, profile.policy.approved, profile.policy.review]
    assert [(f or "not stated").lower() for f in found] == [w.lower() for w in wanted]
