"""The settings a point is about, read from other schools' citations: where another school cites
its evidence for a setting, a new school's evidence for that setting is proposed there too."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from toolkit.content.citation_ranking import rank_citations, settings_used
from toolkit.content.citation_settings import evidence, evidence_by_setting, settings_cited
from toolkit.content.points import points
from toolkit.content.policy_settings import Proposal

EVIDENCE = {
    "ash-school": {
        "contact_report_to": frozenset({"route"}),
        "personal_views": frozenset({"views"}),
    },
    "elm-school": {"contact_report_to": frozenset({"tell-head"})},
}


def clause(clause_id: str, text: str, audience=("staff",)) -> SimpleNamespace:
    return SimpleNamespace(
        id=clause_id, section="Rules", text=text, lead_in=None, strength="must", audience=audience
    )


def test_a_point_is_about_the_settings_whose_evidence_other_schools_cite_there():
    """Does a citation of a school's evidence for a setting name that setting, while a citation
    of another clause, or of a clause of the same id at a school where it is no evidence, does
    not?"""
    cites = [
        [("ash-school", "route"), ("ash-school", "other")],
        [("ash-school", "other"), ("elm-school", "route")],
        [("elm-school", "tell-head"), ("ash-school", "views")],
        [("oak-school", "route")],
        [],
    ]
    assert settings_cited(cites, EVIDENCE) == [
        {"contact_report_to"},
        set(),
        {"contact_report_to", "personal_views"},
        set(),
        set(),
    ]


def test_a_named_settings_evidence_supports_the_point_and_nothing_else_does():
    """Is a clause marked at exactly the points that name a setting it is evidence for, and is
    evidence that is not among the clauses offered passed over?"""
    proposals = {
        "contact_report_to": Proposal("the head", ("c2", "gone"), silent=False),
        "personal_views": Proposal("not allowed", (), silent=True),
    }
    found = evidence(
        [{"contact_report_to"}, {"personal_views"}, set()], ["c1", "c2", "c3"], proposals
    )
    assert np.array_equal(found, [[0, 1, 0], [0, 0, 0], [0, 0, 0]])


def test_a_schools_evidence_leaves_aside_the_roles_and_the_settings_it_has_none_for():
    """Are the settings read from a school's own clauses, with only those it has evidence for,
    and the roles left aside when asked?"""
    profile = SimpleNamespace(
        id="ash-school",
        clauses=[
            clause(
                "route",
                "If pupils or parents attempt to contact members of staff through social "
                "media, they must report it to the Headteacher.",
            ),
            clause("lunch", "Lunch is served at noon."),
        ],
    )
    read = evidence_by_setting(profile)
    assert read and all(ids <= {"route", "lunch"} and ids for ids in read.values())
    assert "headteacher" not in evidence_by_setting(profile, frozenset({"headteacher"}))


def test_a_settings_evidence_is_proposed_where_other_schools_cite_theirs(catalogue):
    """At points whose words name no setting but where other schools cite their own evidence
    for where contact from pupils is reported, does a new school's evidence for that route
    rise, where without it it would not?"""
    clauses = [
        clause("friends", "Staff must not accept friend requests from pupils on social media."),
        clause("passwords", "Staff must keep their passwords secret and log out of devices."),
        clause("photos", "Staff must not post photographs of pupils on personal accounts."),
        clause("route", "Any approach should be passed to the office manager.", ("pupils",)),
    ]
    silent = {"contact_report_to": Proposal("the office", (), silent=True)}
    backed = {"contact_report_to": Proposal("the office", ("route",), silent=False)}
    keyed = [p for p in points(catalogue) if not settings_used(p)]
    with_route = rank_citations(catalogue, clauses, top=4, proposals=backed)
    without = rank_citations(catalogue, clauses, top=4, proposals=silent)

    def place(ranked, key):
        return [c for c, _ in ranked[key]].index("route") if ranked[key] else None

    named = settings_cited(
        [[(c.source, c.item) for c in p.item.cites] for p in keyed],
        {s: evidence_by_setting(catalogue.profiles[s]) for s in catalogue.profiles},
    )
    about = [p.key for p, names in zip(keyed, named, strict=True) if "contact_report_to" in names]
    assert about
    rose = [place(with_route, k) < place(without, k) for k in about if with_route[k]]
    assert rose and all(place(with_route, k) <= place(without, k) for k in about if with_route[k])
    assert any(rose)
