"""A policy document read into draft clauses: sections, numbered paragraphs, bullets, a list's
lead-in kept with each item, strength and audience; every clause in the document's own words."""

from __future__ import annotations

import re
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


def test_each_clause_has_an_id_from_its_section_and_its_number_in_it(drafts):
    ids = [d.id for d in drafts.values()]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9-]*", i) and len(i) <= 80 for i in ids)
    assert drafts["Staff should set their accounts to private."].id == "personal-accounts-1"
    assert drafts["discuss pupils or parents online."].id == "personal-accounts-4"


def test_sections_of_the_same_words_share_one_count():
    document = "## 1. Contact\n\nStaff must not text pupils.\n\n## Contact\n\nStaff must use email."
    assert [d.id for d in draft_clauses(document)] == ["contact-1", "contact-2"]


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (
            "Staff must not post content which is damaging to the school or any\n\n"
            "of its staff or pupils.",
            [
                "Staff must not post content which is damaging to the school or any of its staff "
                "or pupils."
            ],
        ),
        (
            "Adults must report all incidents to the head. Any such incidents will be taken "
            "very seriously. Adults should keep screen prints.",
            [
                "Adults must report all incidents to the head. Any such incidents will be taken "
                "very seriously.",
                "Adults should keep screen prints.",
            ],
        ),
        (
            "Staff must review their settings. This should include their photographs.",
            ["Staff must review their settings.", "This should include their photographs."],
        ),
        (
            "Staff must keep information private. Information includes but is not limited to "
            "addresses and photographs.",
            [
                "Staff must keep information private. Information includes but is not limited to "
                "addresses and photographs."
            ],
        ),
        (
            "Schools have a role in keeping children safe. Staff must report concerns.",
            ["Schools have a role in keeping children safe.", "Staff must report concerns."],
        ),
        (
            "Staff are advised to protect their privacy. This may include, but is not limited to:"
            "\n\n- Using strong passwords.\n- Logging out after use.\n"
            "- Staff must not share passwords.",
            [
                "Staff are advised to protect their privacy.",
                "Using strong passwords.",
                "Logging out after use.",
                "Staff must not share passwords.",
            ],
        ),
    ],
    ids=[
        "wrapped-line",
        "refers-back",
        "refers-back-with-own-duty",
        "not-limited-to-is-no-rule",
        "no-rule-then-rule",
        "lead-in-after-a-sentence",
    ],
)
def test_how_sentences_and_lines_make_clauses(document, expected):
    """Where does one clause end and the next begin?"""
    assert [d.text for d in draft_clauses(document)] == expected


def test_a_list_item_lead_in_ends_with_its_deeper_items():
    document = (
        "- Children will be advised:\n  - to use safe passwords.\n  - to block unwanted contact."
        "\n- Concerns will be shared with parents as appropriate."
    )
    drafts = draft_clauses(document)
    assert [d.lead_in for d in drafts] == ["Children will be advised"] * 2 + [None]
    assert drafts[0].strength == "should" and drafts[2].strength == "must"


@pytest.mark.parametrize(
    ("sentence", "strength"),
    [
        ("Staff may not access social media during lessons.", "must"),
        ("Staff should be aware that their posts may be seen by parents.", "advice"),
        ("Staff are encouraged to review their settings each term.", "advice"),
        ("It is not advisable to add parents as friends.", "should"),
        ("Safe – Do not give out personal information online.", "should"),
        ("The Governing Body has overall responsibility for this policy.", "must"),
        ("The school expects all staff to act with care online.", "should"),
    ],
)
def test_strength_is_read_from_the_words(sentence, strength):
    assert [d.strength for d in draft_clauses(sentence)] == [strength]


def test_a_short_rule_without_a_full_stop_is_not_a_heading():
    drafts = draft_clauses("## Privacy\n\nStaff should use the privacy settings available")
    assert [(d.section, d.text) for d in drafts] == [
        ("Privacy", "Staff should use the privacy settings available")
    ]


def test_short_numbered_items_after_a_lead_in_are_items_not_headings():
    document = "Staff must not:\n\n1. Facebook friends\n2. Snapchat with pupils\n\n## 2. Privacy"
    assert [(d.text, d.lead_in) for d in draft_clauses(document)] == [
        ("Facebook friends", "Staff must not"),
        ("Snapchat with pupils", "Staff must not"),
    ]


def test_an_item_of_a_staff_list_is_for_staff_though_it_names_pupils(drafts):
    """Who a clause is for is who it asks to act: the list's lead-in names them."""
    assert drafts["share photographs of pupils on personal accounts;"].audience == ("staff",)
    assert drafts["Staff should set their accounts to private."].audience == ("staff",)


def test_the_lines_about_the_document_itself_are_not_clauses(drafts):
    """The approval and review dates are facts about the policy, not rules for anyone."""
    assert not [text for text in drafts if "Approved by governors" in text]


def test_a_contents_page_is_not_drafted_as_clauses():
    """Are a contents page's entries, and the words a converter left under it, passed over,
    while the same words in their own section are drafted once, and a rule kept wherever?"""
    document = (
        "Contents\n\nIntroduction\t3\nScope and definitions.....\t4\n"
        "• social media - means any interactive online media.\nKey Principles . . . 5\n"
        "Staff must read the whole policy.\n\n"
        "Scope and definitions\n\n- social media - means any interactive online media.\n"
        "- Staff must not use personal accounts to contact pupils.\n"
    )
    drafts = draft_clauses(document)
    assert [(d.section, d.text) for d in drafts] == [
        ("Contents", "Staff must read the whole policy."),
        ("Scope and definitions", "social media - means any interactive online media."),
        ("Scope and definitions", "Staff must not use personal accounts to contact pupils."),
    ]
