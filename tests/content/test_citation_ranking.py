"""A new school's clauses proposed for each teaching point: the clause that says what the point
teaches comes first, a school left out adds nothing to the queries, and every point is answered."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from toolkit.content.citation_ranking import query_parts, rank_citations, settings_used, tokens
from toolkit.content.points import points
from toolkit.content.policy_import import draft_clauses
from toolkit.content.policy_settings import Proposal, propose_settings

POLICY = Path(__file__).parent / "policies" / "oakfield-primary.txt"
FIELDS = ("section", "text", "lead_in", "strength", "audience")
FRIEND_REQUEST = "Staff must not accept friend requests from pupils."
LEFT_OUT = "lunsford-primary"


@pytest.fixture(scope="module")
def clauses():
    """Oakfield's policy drafted into clauses, each with a made-up id."""
    drafts = draft_clauses(POLICY.read_text(encoding="utf-8"))
    return [
        SimpleNamespace(id=f"oakfield-{i}", **{f: getattr(d, f) for f in FIELDS})
        for i, d in enumerate(drafts, 1)
    ]


@pytest.fixture(scope="module")
def ranked(catalogue, clauses):
    return rank_citations(catalogue, clauses, top=3)


def clause_id(clauses, text: str) -> str:
    return next(c.id for c in clauses if c.text == text)


def test_a_friend_request_choice_ranks_the_friend_request_clause_first(clauses, ranked):
    """Is declining a pupil's friend request matched first to the rule against accepting one?"""
    wanted = clause_id(clauses, FRIEND_REQUEST)
    for key in ("friend-request-from-pupil/request/0", "friend-request-from-pupil/request/3"):
        assert ranked[key][0][0] == wanted


def test_the_keys_are_exactly_the_teaching_points(catalogue, ranked):
    """Is there one answer for each teaching point, and none for anything else?"""
    assert list(ranked) == [p.key for p in points(catalogue)]


def test_proposals_come_best_first_and_no_more_than_asked(ranked):
    """Are the proposals in order of score, at most `top` of them?"""
    for proposals in ranked.values():
        scores = [score for _, score in proposals]
        assert len(proposals) <= 3 and scores == sorted(scores, reverse=True)


def test_staff_content_is_offered_no_clause_for_parents_alone(clauses, ranked):
    """Is a clause only for parents never proposed for staff?"""
    parents_only = {c.id for c in clauses if set(c.audience) == {"parents"}}
    assert parents_only
    assert not parents_only & {i for proposals in ranked.values() for i, _ in proposals}


def test_a_school_left_out_adds_nothing_to_the_query(catalogue):
    """Do a left-out school's clauses and reasons stay out of the words a point is ranked by?"""
    point = next(p for p in points(catalogue) if any(c.source == LEFT_OUT for c in p.item.cites))
    cite = next(c for c in point.item.cites if c.source == LEFT_OUT)
    clause = catalogue.profiles[LEFT_OUT].clause(cite.item)
    full, without = query_parts(catalogue, point), query_parts(catalogue, point, LEFT_OUT)
    assert clause.text in full["cited"] and cite.why in full["why"]
    assert clause.text not in without["cited"] and cite.why not in without["why"]


def test_a_school_left_out_does_not_find_its_own_citations_for_it(catalogue):
    """Ranking a shipped school's own clauses, are its citations found first less often once its
    citations are left out of the queries?"""
    clauses = catalogue.profiles[LEFT_OUT].clauses

    def first_is_cited(ranked) -> int:
        return sum(
            ranked[p.key][:1] != []
            and ranked[p.key][0][0] in {c.item for c in p.item.cites if c.source == LEFT_OUT}
            for p in points(catalogue)
        )

    told = first_is_cited(rank_citations(catalogue, clauses, top=1))
    left_out = first_is_cited(rank_citations(catalogue, clauses, leave_out=LEFT_OUT, top=1))
    assert told > left_out + 100


def test_no_clauses_give_no_proposals(catalogue):
    """Is a policy with no clauses answered with an empty list for every point?"""
    assert not any(rank_citations(catalogue, []).values())


def test_words_are_lower_cased_stemmed_and_common_ones_dropped():
    """Do "Requests", "requested" and "requesting" meet, and do "the" and "to" go?"""
    assert tokens("The Requests to") == ["request"]
    assert tokens("requested requesting") == ["request", "request"]


def test_a_point_uses_the_settings_its_words_name_and_its_outcome_follows(catalogue):
    """Does a choice that says "tell {{ contact_report_to }}", or whose outcome follows
    parents_as_friends, use those settings, and are the roles (head, DSL) left aside?"""
    keyed = {p.key: p for p in points(catalogue)}
    by_outcome = next(
        p for p in keyed.values() if getattr(getattr(p.item, "outcome", None), "setting", None)
    )
    assert by_outcome.item.outcome.setting in settings_used(by_outcome)
    named = next(p for p in keyed.values() if "{{ contact_report_to }}" in p.text)
    assert "contact_report_to" in settings_used(named)
    assert not {"headteacher", "dsl"} & set().union(*map(settings_used, keyed.values()))


def test_a_settings_evidence_is_proposed_where_a_point_names_the_setting(catalogue, clauses):
    """With one setting's evidence the only evidence, is it among the first three proposals of
    every point that names the setting, where without it it would not always be?"""
    proposals = {
        name: Proposal(p.value, (), silent=True) for name, p in propose_settings(clauses).items()
    }
    unlikely = next(c.id for c in reversed(clauses) if "staff" in c.audience)
    proposals["contact_report_to"] = Proposal("the office", (unlikely,), silent=False)
    ranked = rank_citations(catalogue, clauses, top=3, proposals=proposals)
    keyed = list(points(catalogue))
    naming = [p for p in keyed if "contact_report_to" in settings_used(p) and ranked[p.key]]
    assert naming and all(unlikely in dict(ranked[p.key]) for p in naming)
    plain = rank_citations(catalogue, clauses, top=3)
    assert sum(unlikely in dict(plain[p.key]) for p in naming) < len(naming)


@pytest.mark.parametrize(
    ("field", "preferred", "other"),
    [("audience", ("staff",), ("pupils",)), ("strength", "must", "advice")],
)
def test_a_rule_for_staff_comes_before_the_same_words_for_pupils_or_as_advice(
    catalogue, clauses, field, preferred, other
):
    """Given the same words twice, once for staff (or as a rule) and once for pupils (or as
    advice), is the first ranked above the second wherever both are proposed?"""
    rule = next(c for c in clauses if c.text == FRIEND_REQUEST)
    first = SimpleNamespace(**{**vars(rule), "id": "first", field: preferred})
    second = SimpleNamespace(**{**vars(rule), "id": "second", field: other})
    ranked = rank_citations(catalogue, [*clauses, second, first], top=5)
    both = [dict(r) for r in ranked.values() if {"first", "second"} <= dict(r).keys()]
    assert both and all(r["first"] > r["second"] for r in both)


def test_a_clause_confirmed_at_like_points_rises_at_one_not_yet_reviewed(catalogue, clauses):
    """A clause far down a point's list: once the DSL confirms it at the other choices of the
    same scenario, is it proposed first there?"""
    keys = [p.key for p in points(catalogue) if p.key.startswith("friend-request-from-pupil/")]
    *reviewed, last = keys
    before = [i for i, _ in rank_citations(catalogue, clauses, top=len(clauses))[last]]
    general = before[6]
    ranked = rank_citations(
        catalogue, clauses, top=3, confirmed={key: [general] for key in reviewed}
    )
    assert ranked[last][0][0] == general


def test_nothing_confirmed_changes_nothing(catalogue, clauses, ranked):
    """With no point reviewed yet, are the proposals those made at the import?"""
    assert rank_citations(catalogue, clauses, top=3, confirmed={}) == ranked
