"""An imported school's folder: loaded beside the shipped content, its clauses checked against
its policy's text, only its confirmed citations joined in, and a damaged file reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.content import ContentError, load_catalogue
from toolkit.content.imported import CitationReview, PolicyReview, SettingReview, write_school
from toolkit.content.points import points
from toolkit.school.school import School
from toolkit.settings import PROJECT_ROOT

SCHOOL = "maple-grove"
POLICY = """# Maple Grove School

1. Staff must not accept friend requests from pupils.
2. Staff should report any contact from a pupil online to the headteacher.
"""


def profile(barley) -> dict:
    return {
        "schema_version": 1,
        "id": SCHOOL,
        "name": "Maple Grove School",
        "policy": {"title": "Social Media Policy", "approved": "May 2026", "review": "May 2027"},
        "settings": barley.settings.model_dump(),
        "clauses": [
            {
                "id": "policy-1",
                "section": "Maple Grove School",
                "text": "Staff must not accept friend requests from pupils.",
                "audience": ["staff"],
                "strength": "must",
            },
            {
                "id": "policy-2",
                "section": "Maple Grove School",
                "text": "Staff should report any contact from a pupil online to the headteacher.",
                "audience": ["staff"],
                "strength": "should",
            },
        ],
    }


def review(confirmed: dict[str, list[str] | None]) -> PolicyReview:
    return PolicyReview(
        schema_version=1,
        school=SCHOOL,
        source="policy.txt",
        imported="2026-12-04",
        settings={"dsl": SettingReview(value="the DSL", confirmed=True)},
        citations={
            key: CitationReview(proposed=["policy-1", "policy-2"], confirmed=ids)
            for key, ids in confirmed.items()
        },
    )


@pytest.fixture
def schools(tmp_path: Path, catalogue) -> Path:
    folder = tmp_path / "schools"
    barley = catalogue.profile("barley-lane-primary")
    write_school(
        folder,
        SCHOOL,
        POLICY,
        profile(barley),
        review(
            {
                "friend-request-from-pupil/request/0": ["policy-1", "policy-2"],
                "friend-request-from-pupil/request/1": None,
                "quiz/contact/" + catalogue.quizzes["contact"].questions[0].id: ["policy-2"],
            }
        ),
    )
    return folder


def test_an_imported_school_loads_with_only_its_confirmed_citations(schools):
    catalogue = load_catalogue(PROJECT_ROOT, schools=schools)
    school = School.resolve(catalogue, SCHOOL)
    cited = {p.key for p in points(catalogue) if any(c.source == SCHOOL for c in p.item.cites)}
    assert cited == {
        "friend-request-from-pupil/request/0",
        "quiz/contact/" + catalogue.quizzes["contact"].questions[0].id,
    }
    scenario = school.scenario("friend-request-from-pupil")
    quoted = school.sources(scenario.steps["request"].choices[0]).policy
    assert [q.text for q in quoted] == [
        "Staff must not accept friend requests from pupils.",
        "Staff should report any contact from a pupil online to the headteacher.",
    ]
    assert not school.sources(scenario.steps["request"].choices[1]).policy
    shipped = load_catalogue(PROJECT_ROOT)
    assert SCHOOL not in shipped.profiles  # nothing leaks into a catalogue without the folder


def test_a_clause_not_in_the_policy_text_is_reported(schools):
    path = schools / SCHOOL / f"{SCHOOL}.yaml"
    path.write_text(path.read_text().replace("from pupils.", "from pupils or parents."))
    with pytest.raises(ContentError) as err:
        load_catalogue(PROJECT_ROOT, schools=schools)
    assert "not in the policy's text word for word" in str(err.value)
    assert f"{SCHOOL}/{SCHOOL}.yaml: /clauses/0/text" in str(err.value)


def test_a_damaged_review_says_how_to_mend_it(schools):
    (schools / SCHOOL / "review.yaml").write_text("schema_version: 1\nschool: maple-grove\n")
    with pytest.raises(ContentError) as err:
        load_catalogue(PROJECT_ROOT, schools=schools)
    assert f"{SCHOOL}/review.yaml" in str(err.value) and "--update" in str(err.value)


def test_a_confirmed_clause_that_is_gone_is_reported(schools):
    path = schools / SCHOOL / "review.yaml"
    text = path.read_text()
    assert "confirmed:\n    - policy-1\n    - policy-2\n" in text
    path.write_text(
        text.replace("confirmed:\n    - policy-1\n    - policy-2\n", "confirmed:\n    - policy-9\n")
    )
    with pytest.raises(ContentError) as err:
        load_catalogue(PROJECT_ROOT, schools=schools)
    assert "no clause 'policy-9'" in str(err.value)


def test_writing_a_school_again_replaces_it_whole(schools, catalogue):
    before = sorted(p.name for p in (schools / SCHOOL).iterdir())
    barley = catalogue.profile("barley-lane-primary")
    write_school(schools, SCHOOL, POLICY, profile(barley), review({}))
    assert sorted(p.name for p in (schools / SCHOOL).iterdir()) == before
    assert [p.name for p in schools.iterdir()] == [SCHOOL]  # no staging folder left behind
