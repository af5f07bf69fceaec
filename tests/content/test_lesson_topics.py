"""What the ages 7-11 lessons must teach: where to get help and report, and pictures faked by AI."""

from __future__ import annotations

import re

import pytest

from tests.conftest import SCHOOL
from toolkit.content import Lesson

# Where children and families can get help and report, as pupils and teachers must read them.
HELP = {
    "CEOP": {"pupils": ["CEOP"], "teacher": ["National Crime Agency", "ClickCEOP"]},
    "Childline": {"pupils": ["Childline", "0800 1111"], "teacher": ["childline.org.uk"]},
    "Report Remove": {"pupils": ["Report Remove"], "teacher": ["Internet Watch Foundation"]},
}
AI = re.compile(r"\bAI\b")
FAKED = re.compile(r"\b(pictures?|photos?|videos?|voices?)\b", re.IGNORECASE)


def lessons_7_11(catalogue) -> list[Lesson]:
    profile = catalogue.profiles[SCHOOL]
    return [lesson.for_school(profile) for lesson in catalogue.lessons_for("7-11")]


def pupil_text(lesson: Lesson) -> str:
    return " ".join(" ".join(lesson.pupil_text()).split())


def strings(value) -> list[str]:
    """Every string in a dumped model, ids and types included (they never say "AI")."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def activity_text(activity) -> str:
    return " ".join(strings(activity.model_dump()))


def about_faked_pictures(activity) -> bool:
    """Does the activity's pupil text speak of pictures, voices or videos faked with AI?"""
    text = activity_text(activity)
    return bool(AI.search(text) and FAKED.search(text) and "fake" in text.lower())


@pytest.mark.parametrize("service", sorted(HELP))
def test_the_tell_lesson_names_each_place_to_get_help(catalogue, service):
    """Does the ages 7-11 Tell lesson name this service to pupils, say to tell a trusted adult
    first, and explain the service to the teacher?"""
    (tell,) = [x for x in lessons_7_11(catalogue) if x.letter == "T"]
    pupils, notes = pupil_text(tell), " ".join(tell.teacher_notes.split())
    for words in HELP[service]["pupils"]:
        assert words in pupils, f"pupils are not told {words!r}"
    for words in HELP[service]["teacher"]:
        assert words in notes, f"the teacher notes do not say {words!r}"
    assert "tell a trusted adult first" in pupils.lower()


def test_another_7_11_lesson_names_ceop_or_childline(catalogue):
    """Do the reporting routes come up outside the Tell lesson too, where the story fits?"""
    others = [x.id for x in lessons_7_11(catalogue) if x.letter != "T" and "CEOP" in pupil_text(x)]
    assert set(others) & {"safe-7-11", "reliable-7-11"}, others


def test_every_7_11_lesson_naming_a_service_tells_the_dsl(catalogue):
    """Where pupils hear of CEOP, Childline or Report Remove, do the notes say that naming them
    does not replace telling the DSL?"""
    for lesson in lessons_7_11(catalogue):
        if any(s in pupil_text(lesson) for s in HELP):
            notes = " ".join(lesson.teacher_notes.lower().split())
            assert "does not replace telling the designated safeguarding lead" in notes, lesson.id


def test_a_7_11_activity_is_about_pictures_faked_by_ai(catalogue):
    """Is one ages 7-11 activity about pictures, voices or videos faked with AI, in a lesson
    whose teacher notes explain it?"""
    found = [
        (lesson, activity)
        for lesson in lessons_7_11(catalogue)
        for activity in lesson.activities
        if about_faked_pictures(activity)
    ]
    assert found, "no ages 7-11 activity is about pictures faked by AI"
    for lesson, _ in found:
        notes = " ".join(lesson.teacher_notes.split())
        assert AI.search(notes) and "illegal" in notes, lesson.id


def test_the_faked_pictures_check_can_fail(catalogue):
    """Would an activity on edited photos and fakes, with no word of AI, not count?"""
    reliable = next(x for x in lessons_7_11(catalogue) if x.letter == "R")
    edited_photos = reliable.activities[0]
    assert "photo" in activity_text(edited_photos) and "Fake" in activity_text(edited_photos)
    assert not about_faked_pictures(edited_photos)
