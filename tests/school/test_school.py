"""A School is resolved once and renders its content at most once."""

from __future__ import annotations

from datetime import date

import pytest

from tests.conftest import SCHOOL
from toolkit.content import ContentError, Lesson, QuizBank, Scenario, load_catalogue
from toolkit.reports import tables as reports
from toolkit.school.school import School
from toolkit.settings import PROJECT_ROOT
from toolkit.store import NewLearner


@pytest.fixture
def counted(monkeypatch):
    """Counts of each kind of content rendered for a school, from now on."""
    counts = {"scenario": 0, "quiz": 0, "lesson": 0}
    for kind, cls in (("scenario", Scenario), ("quiz", QuizBank), ("lesson", Lesson)):
        original = cls.for_school

        def counting(self, profile, _original=original, _kind=kind):
            counts[_kind] += 1
            return _original(self, profile)

        monkeypatch.setattr(cls, "for_school", counting)
    return counts


def test_an_unknown_school_is_a_content_error(catalogue):
    """Does resolving a school the content does not have say so, as content errors do?"""
    with pytest.raises(ContentError, match="no school profile 'nowhere'"):
        School.resolve(catalogue, "nowhere")


def test_a_school_reads_its_profile_and_rules(catalogue):
    """Does a School carry its profile's name, pass mark and refresher period?"""
    school = School.resolve(catalogue, SCHOOL)
    profile = catalogue.profile(SCHOOL)
    assert (school.id, school.name) == (profile.id, profile.name)
    assert school.pass_mark == profile.settings.pass_mark
    assert school.refresher_months == profile.settings.refresher_months
    assert school.language is None


def test_a_school_renders_each_piece_of_content_once(counted):
    """Asked again and again for a scenario, quiz or lesson, does a School render each once?"""
    school = School.resolve(load_catalogue(PROJECT_ROOT), SCHOOL)  # nothing rendered yet
    scenario_id = next(iter(school.catalogue.scenarios))
    module_id = next(iter(school.catalogue.quizzes))
    lesson_id = next(iter(school.catalogue.lessons))
    for _ in range(3):
        assert school.scenario(scenario_id).id == scenario_id
        assert school.quiz(module_id).module == module_id
        assert school.lesson(lesson_id).id == lesson_id
        assert school.scenario_version(scenario_id) == school.scenario_version(scenario_id)
    assert counted == {"scenario": 1, "quiz": 1, "lesson": 1}


def test_a_learners_history_renders_each_scenario_once(store, counted):
    """Listing many attempts of one scenario: is the scenario rendered once, not per attempt?"""
    school = School.resolve(load_catalogue(PROJECT_ROOT), SCHOOL)
    ((learner, _),) = store.add_learners(
        [NewLearner("Jo", "jo@school.example", "teacher", date(2026, 9, 1))]
    )
    scenario = next(iter(school.catalogue.scenarios.values()))
    for _ in range(4):
        attempt = store.start_attempt(learner.id, scenario.id, "v")
        store.record_choice(attempt, scenario.start, 0, "safe", after=0)
    history = reports.learner_history(store, school, learner.id)
    assert len(history) == 4
    assert counted["scenario"] == 1
