"""A policy document read into draft clauses: sections, numbered paragraphs, bullets, a list's
lead-in kept with each item, strength and audience; every clause in the document's own words."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.content.policy_import import draft_clauses

POLICY = Path(__file__).parent / "policies" / "oakfield-primary.txt"


@pytest.fixture(scope="module")
def drafts():
    return {d.text: d for d in draft_clauses(POLICY.read_text(encoding="utf-8"))}


def test_each_clause_is_quoted_word_for_word_from_the_document(drafts):
    source = " ".join(POLICY.read_text(encoding="utf-8").split())
    assert drafts and all(text in source for text in drafts)


def test_numbered_paragraphs_and_bullets_become_clauses_under_their_section(drafts):
    purpose = drafts[
        "This policy sets out how staff and governors at Oakfield Primary School use social media."
    ]
    assert purpose.section == "1. Purpose" and purpose.strength == "advice"
    private = drafts["Staff should set their accounts to private."]
    assert private.section == "2. Personal accounts" and private.strength == "should"


def test_a_paragraph_of_two_rules_is_split_into_two_clauses(drafts):
    first = drafts["Staff must not accept friend requests from pupils."]
    second = drafts["They should tell the headteacher about any such request."]
    assert (first.strength, second.strength) == ("must", "should")


def test_an_item_of_a_do_not_list_keeps_its_lead_in_and_strength(drafts):
    item = drafts["share photographs of pupils on personal accounts;"]
    assert item.lead_in == "Staff must not" and item.strength == "must"
    assert drafts["discuss pupils or parents online."].lead_in == "Staff must not"


def test_audience_comes_from_the_words(drafts):
    assert drafts[
        "Governors are encouraged to review their privacy settings each term."
    ].audience == ("governors",)
    assert "pupils" in drafts["Pupils will be taught how to report unkind messages."].audience
    assert drafts[
        "Parents are asked to raise concerns with the school office rather than online."
    ].audience == ("parents",)


def test_headings_and_dates_are_not_clauses(drafts):
    assert not any(text.startswith(("Oakfield Primary School", "Staff Use of")) for text in drafts)
