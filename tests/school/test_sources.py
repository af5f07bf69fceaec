"""Where feedback comes from, as one school's staff are shown it: its own clauses with the reason
each applies, national guidance with its document and paragraph, or that its policy is silent."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.content import load_catalogue
from toolkit.html import fragment
from toolkit.school.school import School
from toolkit.school.sources import Sources
from toolkit.settings import PROJECT_ROOT

GOOD = Path(__file__).parent.parent / "content" / "good" / "sourced.yaml"


def feedback_html(sources: Sources, outcome: str = "safe") -> str:
    """The staff page's feedback view for these sources."""
    return fragment(
        "apps/staff.html.j2",
        "feedback",
        title="t",
        decision=1,
        label="l",
        outcome=outcome,
        outcome_text="o",
        text="x",
        sources=sources,
    )


@pytest.fixture(scope="module")
def choices():
    catalogue = load_catalogue(PROJECT_ROOT, extra=[GOOD])
    scenario = catalogue.scenarios["test-sourced"]
    return catalogue, scenario.steps["ask"].choices


def test_a_schools_own_clause_comes_with_why_it_applies(choices):
    catalogue, (told, _) = choices
    sources = School.resolve(catalogue, "lunsford-primary").sources(told)
    (quote,) = sources.policy
    clause = catalogue.profile("lunsford-primary").clause("children-15")
    assert quote.text == clause.quoted and quote.why.startswith("The DSL responds")
    assert quote.where.endswith(f"section “{clause.section}” (clause children-15)")
    assert not sources.silent


def test_national_guidance_is_shown_to_every_school_with_its_paragraph(choices):
    catalogue, (told, _) = choices
    paragraph = catalogue.guidance["kcsie-2025"].paragraph("50")
    for school_id in catalogue.profiles:
        (quote,) = School.resolve(catalogue, school_id).sources(told).guidance
        assert quote.text == paragraph.text and quote.why == "Staff act on a concern at once."
        assert (
            quote.where
            == f"Keeping children safe in education 2025 (KCSIE 2025), {paragraph.cite_as}"
        )


def test_a_silent_school_quotes_nothing_of_another_school_and_gets_the_guidance(choices):
    catalogue, (told, _) = choices
    sources = School.resolve(catalogue, "bury-ce-primary").sources(told)
    assert sources.silent and sources.policy == [] and sources.guidance
    html = feedback_html(sources, "safe")
    assert (
        "says nothing about this, so there is no clause of it to quote here. National "
        "guidance applies instead." in html
    )
    assert "<strong>National guidance:</strong> Keeping children safe in education 2025" in html
    assert "Why it applies: Staff act on a concern at once." in html
    assert "(clause " not in html  # no other school's clause stands in for silence


def test_a_page_labels_each_quote_and_shows_no_heading_for_absent_guidance(choices):
    catalogue, (_, waited) = choices
    sources = School.resolve(catalogue, "lunsford-primary").sources(waited)
    html = feedback_html(sources, "unsafe")
    assert html.count("<strong>Your policy:</strong>") == 1
    assert "What national guidance says" not in html and "Why it applies" not in html
