"""A school's settings proposed from its policy's clauses: one question per setting, and each
proposal either backed by the clauses that say it or, where the policy is silent, the general
answer."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from toolkit.content import Clause, SchoolSettings
from toolkit.content.policy_import import draft_clauses
from toolkit.content.policy_settings import (
    CHOSEN_BY_SCHOOL,
    QUESTIONS,
    Proposal,
    propose_settings,
)

POLICY = Path(__file__).parent / "policies" / "oakfield-primary.txt"


def clauses(document: str) -> list[Clause]:
    """A document's draft clauses as a profile's clauses, numbered c1, c2, ..."""
    return [
        Clause(
            id=f"c{n}",
            section=d.section or "Policy",
            text=d.text,
            lead_in=d.lead_in,
            strength=d.strength,
            audience=list(d.audience),
        )
        for n, d in enumerate(draft_clauses(document), 1)
    ]


def propose(document: str):
    return propose_settings(clauses(document))


def test_there_is_one_question_for_each_setting():
    """Does a new setting fail here until it has its question?"""
    assert [q.name for q in QUESTIONS] == list(SchoolSettings.model_fields)


def test_every_value_of_a_choice_says_what_it_means():
    """Does each value of a Literal setting have one plain sentence, and no value more?"""
    for question in QUESTIONS:
        values = get_args(SchoolSettings.model_fields[question.name].annotation)
        if values:
            assert question.options and set(question.options) == set(values), question.name
            assert question.silent_value in values, question.name
            assert all(s.endswith(".") for s in question.options.values()), question.name
        else:
            assert question.options is None, question.name


def test_the_schools_own_choices_are_asked_with_the_shipped_defaults():
    """Are the pass mark and the refresher period left to the school, never read from a policy?"""
    silent = {q.name: q.silent_value for q in QUESTIONS if q.name in CHOSEN_BY_SCHOOL}
    assert silent == {"pass_mark": 80, "refresher_months": 12}
    proposals = propose("Staff must not accept friend requests from pupils or parents at all.")
    assert all(proposals[name].silent and not proposals[name].evidence for name in silent)


def test_the_fixture_policy_gives_its_route_and_is_silent_elsewhere():
    """Does a made-up policy's one reporting route come with the clause that states it?"""
    drafted = clauses(POLICY.read_text(encoding="utf-8"))
    proposals = propose_settings(drafted)
    route = proposals["contact_report_to"]
    said = next(c for c in drafted if c.id == route.evidence[0]).text
    assert (route.value, route.silent) == ("the headteacher", False)
    assert said == "They should tell the headteacher about any such request."
    assert proposals["headteacher"].value == "the headteacher"
    for name in ("dsl", "personal_use_at_work", "official_accounts", "min_social_media_age"):
        question = next(q for q in QUESTIONS if q.name == name)
        assert proposals[name] == Proposal(question.silent_value, (), silent=True)


def test_a_silent_policy_gets_the_general_answers():
    """With nothing on any setting, is every proposal the silent value, marked silent?"""
    proposals = propose("This policy sets out how the school uses social media in lessons.")
    assert all(p.silent and not p.evidence for p in proposals.values())
    assert {n: p.value for n, p in proposals.items()} == {q.name: q.silent_value for q in QUESTIONS}


# (a made-up policy's words, the setting, the value proposed)
CASES = [
    (
        "Staff must not accept friend requests from pupils or parents. "
        "Any such request should be reported to the Principal.",
        "contact_report_to",
        "the Principal",
    ),
    (
        "Any contact from pupils or parents on personal accounts will be reported to the DSL. "
        "The Designated Safeguarding Lead (DSL) leads on online safety.",
        "contact_report_to",
        "the Designated Safeguarding Lead",
    ),
    (
        "The Head of School will approve all trips. The Head of School decides.",
        "headteacher",
        "the Head of School",
    ),
    (
        "If inappropriate content is accessed on a school device, staff must inform the IT "
        "manager at once.",
        "inappropriate_content_report_to",
        "the IT manager",
    ),
    (
        "Staff must tell the DSL about any friend request from a parent.",
        "contact_report_to",
        "the Designated Safeguarding Lead",
    ),
    (
        "Staff who are bullied online should seek support from their line manager.",
        "bullying_support_from",
        "your line manager",
    ),
    (
        "Staff must report any cyberbullying aimed at them to the Headteacher.",
        "bullying_report_to",
        "the Headteacher",
    ),
    (
        "If a member of staff has any concern about radicalisation, they must tell the "
        "Headteacher and the Designated Safeguarding Lead that day.",
        "safeguarding_report_to",
        "the Headteacher and the Designated Safeguarding Lead",
    ),
    ("Staff may use social media during their lunch break.", "personal_use_at_work", "break_times"),
    (
        "Staff may use social media in break times on their own devices only.",
        "personal_use_at_work",
        "break_times_personal_device",
    ),
    (
        "Staff may use social media at break or lunch when no pupils are present.",
        "personal_use_at_work",
        "break_or_lunch_no_children",
    ),
    (
        "Staff should use social media only in their own time.",
        "personal_use_at_work",
        "own_time_only",
    ),
    (
        "Personal use of social media is not permitted during working hours.",
        "personal_use_at_work",
        "never_in_working_hours",
    ),
    ("Staff must never add parents as friends on social media.", "parents_as_friends", "must_not"),
    (
        "It is not advisable for staff to accept parents as friends on social media.",
        "parents_as_friends",
        "not_advisable",
    ),
    (
        "Staff are advised not to add parents as friends on social media. "
        "Any pre-existing relationships will be discussed with the headteacher.",
        "parents_as_friends",
        "discuss_existing",
    ),
    (
        "Staff must be cautious about accepting parents as friends online.",
        "parents_as_friends",
        "be_cautious",
    ),
    (
        "Staff must not follow pupils online unless the pupil is a family member and this is "
        "acknowledged by the Headteacher.",
        "pupil_relatives",
        "allowed_if_acknowledged",
    ),
    (
        "Any pre-existing relationships between staff and pupils will be discussed with the head.",
        "pupil_relatives",
        "discuss_existing",
    ),
    (
        "Where staff post in a personal capacity, they should state that the views are their own.",
        "personal_views",
        "mark_as_personal",
    ),
    (
        "Staff must not present their personal views as the views of the school.",
        "personal_views",
        "not_as_school",
    ),
    (
        "Staff should avoid inflammatory topics such as politics or religion online.",
        "personal_views",
        "avoid_politics_religion",
    ),
    (
        "Staff should not comment on posts about the school made by others.",
        "comments_on_school_posts",
        "should_not",
    ),
    (
        "Staff must raise all concerns about social media with the Headteacher immediately.",
        "raise_concerns",
        "all_to_headteacher",
    ),
    (
        "Everyone is asked to report breaches of this policy to the school.",
        "raise_concerns",
        "report_breaches",
    ),
    (
        "An official school social media account is only opened once it has been risk assessed "
        "and approved by the headteacher.",
        "official_accounts",
        "risk_assessed",
    ),
    (
        "Only staff authorised by the Headteacher may post on the school's social media accounts.",
        "official_accounts",
        "head_authorises",
    ),
    (
        "A school social media page must be agreed with the Principal in advance of being set up.",
        "official_accounts",
        "head_agrees_in_advance",
    ),
    (
        "Staff asked to write for the official school blog will be told in detail how to operate.",
        "official_accounts",
        "special_rules",
    ),
    (
        "To contact parents, staff should use their school email address only.",
        "official_channels",
        "your school email address",
    ),
    (
        "Most social media sites have a minimum age of 13 and some an age limit of 16.",
        "min_social_media_age",
        13,
    ),
]


@pytest.mark.parametrize(("document", "name", "value"), CASES, ids=[c[2] for c in CASES])
def test_a_setting_is_read_from_the_words_that_state_it(document, name, value):
    """Is each setting proposed, with its evidence, from a policy that states it?"""
    proposal = propose(document)[name]
    assert (proposal.value, proposal.silent) == (value, False)
    assert 1 <= len(proposal.evidence) <= 3


# (a made-up policy's words that come near a setting without stating it, the setting)
SILENT = [
    ("Pupils must not use social media during school hours.", "personal_use_at_work"),
    (
        "Children will be advised: not to meet online friends without a parent.",
        "parents_as_friends",
    ),
    (
        "Relationships with parents that are already established should be kept with care.",
        "pupil_relatives",
    ),
    ("Staff must not post offensive comments online.", "comments_on_school_posts"),
    ("Breaches of this policy will be taken seriously.", "raise_concerns"),
    ("The Data Protection Act 1998 applies to all staff at the school.", "min_social_media_age"),
    (
        "Inappropriate content accessed in school must be reported to a teacher.",
        "inappropriate_content_report_to",
    ),
]


@pytest.mark.parametrize(("document", "name"), SILENT, ids=[c[1] for c in SILENT])
def test_words_near_a_setting_leave_it_silent(document, name):
    """Does a policy that only comes near a setting leave it to the general answer?"""
    proposal = propose(document)[name]
    question = next(q for q in QUESTIONS if q.name == name)
    assert (proposal.value, proposal.evidence, proposal.silent) == (question.silent_value, (), True)


def test_a_silent_route_names_the_head_as_the_policy_titles_them():
    """Where the policy gives no route, is the head named with the policy's own title?"""
    proposals = propose("The Principal is responsible for this policy and its review.")
    route = proposals["bullying_report_to"]
    assert (route.value, route.silent) == ("the Principal", True)


def test_the_strongest_evidence_wins_where_two_values_fit():
    """A "must" rule and a "may" rule: is the "must" one proposed?"""
    proposals = propose(
        "Staff must be cautious about adding parents as friends online.\n\n"
        "It may not be advisable to add parents as friends, some say."
    )
    assert proposals["parents_as_friends"].value == "be_cautious"


HILLCREST = {
    "headteacher": "the Principal",
    "dsl": "the Designated Safeguarding Lead",
    "contact_report_to": "the Designated Safeguarding Lead",
    "inappropriate_content_report_to": "the IT technician",
    "bullying_support_from": "the Principal",
    "bullying_report_to": "your line manager",
    "safeguarding_report_to": "the Designated Safeguarding Lead",
    "personal_use_at_work": "break_or_lunch_no_children",
    "parents_as_friends": "must_not",
    "personal_views": "not_as_school",
    "comments_on_school_posts": "should_not",
    "official_accounts": "head_authorises",
    "official_channels": "the academy's email system",
    "min_social_media_age": 13,
}


def test_a_policy_worded_its_own_way_gives_the_settings_it_states():
    """An academy's made-up policy, with a Principal, an abbreviated DSL and its own words:
    is each setting it states proposed from its clauses, and the rest left silent?"""
    document = (POLICY.parent / "hillcrest-academy.txt").read_text(encoding="utf-8")
    proposals = propose(document)
    assert {n: p.value for n, p in proposals.items() if not p.silent} == HILLCREST
