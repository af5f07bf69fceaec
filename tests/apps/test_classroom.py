"""Pupil lessons: content rules, reading age, the lesson engine and the classroom widgets."""

from __future__ import annotations

import html
import json
import re
from datetime import date

import ipywidgets as w
import pytest
import textstat
from markupsafe import escape

from tests.apps.test_staff import assert_nothing_left, click, sign_in
from tests.conftest import SCHOOL
from toolkit.apps.classroom import ClassroomApp
from toolkit.apps.page import widget_tree
from toolkit.content import (
    BANDS,
    LETTER_NAMES,
    CardSort,
    RealOrFake,
    Vote,
    WhatNext,
    load_catalogue,
)
from toolkit.engine import EngineError, LessonRun
from toolkit.reports.lesson_plans import lesson_plan_html
from toolkit.settings import PROJECT_ROOT
from toolkit.store import NewLearner

CATALOGUE = load_catalogue(PROJECT_ROOT)
LESSONS = sorted(CATALOGUE.lessons)
GRADE_LIMIT = {"5-7": 2.5, "7-11": 5.0}
# Words that judge the class's answer: the page says those; the content gives the reason.
VERDICT = r"(yes|no|not quite|not good|well done|right|wrong|correct|good)\b"


def test_an_introduction_and_every_smart_letter_in_both_bands():
    """Is there a lesson for the introduction and each SMART letter, for ages 5-7 and 7-11?"""
    assert len(LESSONS) >= 12
    for band in BANDS:
        assert {x.letter for x in CATALOGUE.lessons_for(band)} == set(LETTER_NAMES)


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_pupil_text_is_at_the_bands_reading_age(lesson_id):
    """Does the pupil-facing text reach a Flesch-Kincaid grade the band can read?"""
    lesson = CATALOGUE.lessons[lesson_id].for_school(CATALOGUE.profiles[SCHOOL])
    grade = textstat.flesch_kincaid_grade(" ".join(lesson.pupil_text()))
    assert grade <= GRADE_LIMIT[lesson.band], f"{lesson_id}: grade {grade}"


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_each_lesson_has_a_story_activities_prompts_strands_and_disclosure_notes(lesson_id):
    """Two or more kinds of activity, prompts, strands, and notes on what to do on a disclosure?"""
    lesson = CATALOGUE.lessons[lesson_id]
    assert len(lesson.activities) >= 2 and len({type(a) for a in lesson.activities}) >= 2
    assert len(lesson.discussion) >= 2 and lesson.strands and lesson.story.text
    notes = " ".join(lesson.for_school(CATALOGUE.profiles[SCHOOL]).teacher_notes.lower().split())
    assert "listen" in notes and "promise" in notes and "same day" in notes
    assert "the designated safeguarding lead" in notes
    assert (
        lesson.id
        == f"{ {'intro': 'intro'}.get(lesson.letter, LETTER_NAMES[lesson.letter].lower()) }-{lesson.band}"
    )


def test_every_activity_type_is_used():
    """Do the lessons use card sorts, votes, what-happens-next and real-or-fake?"""
    kinds = {type(a) for lesson in CATALOGUE.lessons.values() for a in lesson.activities}
    assert kinds == {CardSort, Vote, WhatNext, RealOrFake}


def test_the_introductions_teach_the_age_limit_of_13():
    """Do both introduction lessons tell pupils about the age limit of 13 and over?"""
    for band in BANDS:
        intro = CATALOGUE.lessons[f"intro-{band}"]
        assert "13" in " ".join(intro.pupil_text())


def first(lesson, kind):
    return next(a for a in lesson.activities if isinstance(a, kind))


def lesson_with(kind):
    return next(
        x for x in CATALOGUE.lessons.values() if any(isinstance(a, kind) for a in x.activities)
    )


def test_card_sort_marks_each_card_right_or_wrong():
    lesson = lesson_with(CardSort)
    activity = first(lesson, CardSort)
    run = LessonRun(lesson)
    card = activity.cards[0]
    other = next(b.id for b in activity.bins if b.id != card.bin)
    assert run.sort_card(activity.id, card.id, other) is card
    assert run.tallies[activity.id][card.id] == 0
    run.sort_card(activity.id, card.id, card.bin)
    assert run.tallies[activity.id][card.id] == 1
    with pytest.raises(EngineError):
        run.sort_card(activity.id, "no-such-card", card.bin)


def test_votes_take_whole_numbers_for_known_options():
    lesson = lesson_with(Vote)
    activity = first(lesson, Vote)
    run = LessonRun(lesson)
    ids = [o.id for o in activity.options]
    run.set_votes(activity.id, {ids[0]: 12, ids[1]: 3})
    assert run.tallies[activity.id][ids[0]] == 12 and run.tallies[activity.id][ids[1]] == 3
    for bad in ({ids[0]: -1}, {ids[0]: 999}, {ids[0]: "7"}, {"nope": 1}):
        with pytest.raises(EngineError):
            run.set_votes(activity.id, bad)


def test_what_next_records_the_class_choice():
    lesson = lesson_with(WhatNext)
    activity = first(lesson, WhatNext)
    run = LessonRun(lesson)
    safe = next(o for o in activity.options if o.safe)
    assert run.choose_next(activity.id, safe.id).safe
    assert run.tallies[activity.id] == {safe.id: 1}
    with pytest.raises(EngineError):
        run.choose_next(activity.id, "nope")


def test_real_or_fake_marks_the_class_verdict():
    lesson = lesson_with(RealOrFake)
    activity = first(lesson, RealOrFake)
    run = LessonRun(lesson)
    item = activity.items[0]
    run.judge(activity.id, item.id, not item.real)
    assert run.tallies[activity.id][item.id] == 0
    run.judge(activity.id, item.id, item.real)
    assert run.tallies[activity.id][item.id] == 1


def test_pages_run_story_activities_discussion_end_and_back():
    lesson = CATALOGUE.lessons[LESSONS[0]]
    run = LessonRun(lesson)
    kinds = [p.kind for p in run.pages]
    assert kinds == ["story", *["activity"] * len(lesson.activities), "discussion", "end"]
    run.back()
    assert run.index == 0
    while not run.at_end:
        run.next()
    run.next()
    assert run.at_end and run.back().kind == "discussion"


@pytest.fixture
def teacher_and_code(store):
    ((teacher, code),) = store.add_learners(
        [NewLearner("Ms Ada Park", "ada@school.example", "teacher", date(2026, 9, 1))]
    )
    return teacher, code


@pytest.fixture
def classroom(store, catalogue, teacher_and_code, school):
    """The classroom page with two classes, and the teacher signed in on it."""
    store.add_class("Year 5 Ash", "7-11")
    store.add_class("Year 1 Oak", "5-7")
    app = ClassroomApp(store, school, today=lambda: date(2026, 11, 20))
    teacher, code = teacher_and_code
    sign_in(app, teacher.email, code)
    return app, teacher


def play_every_activity(app) -> None:
    """Answer each activity on screen the way a class would, page by page."""
    while not app.run.at_end:
        page = app.run.page
        if page.kind == "activity":
            activity = page.activity
            pickers = [c for c in app.body.children if isinstance(c, w.ToggleButtons)]
            if isinstance(activity, CardSort):
                for picker, card in zip(pickers, activity.cards, strict=True):
                    picker.value = card.bin
            elif isinstance(activity, RealOrFake):
                for picker, item in zip(pickers, activity.items, strict=True):
                    picker.value = not item.real  # the class gets these wrong
            elif isinstance(activity, Vote):
                for n, box in enumerate(app.vote_counts.values()):
                    box.value = 10 + n
                app.reveal_button.click()
            else:
                safe = next(o for o in activity.options if o.safe)
                button = next(
                    c for c in app.body.children if getattr(c, "description", None) == safe.text
                )
                button.click()
        assert app.alert.value == "", app.alert.value
        app.next_button.click()


def test_a_whole_lesson_is_run_and_its_delivery_recorded(classroom, store):
    """Does a lesson run from start to end and save class, lesson, date, teacher and tallies only?"""
    app, teacher = classroom
    ash = next(c for c in store.classes() if c.name == "Year 5 Ash")
    app.class_picker.value = ash.id
    assert {v for _, v in app.lesson_picker.options} == {
        x.id for x in CATALOGUE.lessons_for("7-11")
    }
    app.lesson_picker.value = "safe-7-11"
    app.start_button.click()
    play_every_activity(app)
    assert "Your class result" in app.body.children[1].value
    app.save_button.click()
    assert "Saved:" in app.saved.value
    (delivery,) = store.deliveries(ash.id)
    assert (delivery.lesson_id, delivery.teacher_id, delivery.delivered_on) == (
        "safe-7-11",
        teacher.id,
        date(2026, 11, 20),
    )
    lesson = CATALOGUE.lessons["safe-7-11"]
    assert {a for a, _, _ in delivery.tallies} == {a.id for a in lesson.activities}
    vote = first(lesson, Vote)
    assert sorted(n for a, _, n in delivery.tallies if a == vote.id) == sorted(
        10 + i for i in range(len(vote.options))
    )


def test_no_pupil_name_is_stored_anywhere(classroom, store):
    """Do the class and delivery tables hold only class names, ids and counts?"""
    from sqlalchemy import inspect

    columns = {
        t: [c["name"] for c in inspect(store.engine).get_columns(t)]
        for t in ("classes", "deliveries", "tallies")
    }
    assert columns == {
        "classes": ["id", "name", "band", "created_at"],
        "deliveries": [
            "id",
            "class_id",
            "lesson_id",
            "content_version",
            "teacher_id",
            "delivered_on",
            "recorded_at",
        ],
        "tallies": ["id", "delivery_id", "activity_id", "option_id", "count"],
    }


def test_back_and_next_keep_the_class_answers(classroom, store):
    """Going back to an activity shows what the class already chose."""
    app, teacher = classroom
    app.lesson_picker.value = app.lesson_picker.options[0][1]
    app.start_button.click()
    app.next_button.click()
    activity = app.run.page.activity
    if isinstance(activity, CardSort):
        picker = next(c for c in app.body.children if isinstance(c, w.ToggleButtons))
        picker.value = activity.cards[0].bin
    app.next_button.click()
    app.back_button.click()
    assert app.run.page.activity == activity
    if isinstance(activity, CardSort):
        assert "right" in " ".join(
            getattr(c, "value", "") for c in app.body.children if isinstance(c, w.HTML)
        )


def test_no_classes_yet_says_how_to_add_one(store, catalogue, teacher_and_code, school):
    app = ClassroomApp(store, school)
    sign_in(app, teacher_and_code[0].email, teacher_and_code[1])
    assert "esafety classes add" in app.body.children[1].value


def test_a_lesson_plan_prints_with_its_notes_escaped():
    """Does the printable plan hold objectives, every activity, the prompts and the notes?"""
    lesson = CATALOGUE.lessons["tell-7-11"].for_school(CATALOGUE.profiles[SCHOOL])
    page = lesson_plan_html(lesson, "Barley <Lane>")
    assert "Barley &lt;Lane&gt;" in page and "<script" not in page
    assert page.count("<h3>") == len(lesson.activities)
    for prompt in lesson.discussion:
        assert escape(re.sub(r"\s+", " ", prompt)) in page
    assert "Teacher notes" in page and "Objectives" in page


def start(app, lesson_id: str) -> None:
    """Choose the class of the lesson's band and the lesson, and start it."""
    band = CATALOGUE.lessons[lesson_id].band
    app.class_picker.value = next(c.id for c in app.store.classes() if c.band == band)
    app.lesson_picker.value = lesson_id
    app.start_button.click()


def turn_to(app, kind) -> object:
    """Turn the pages until the first activity of this kind; returns it, as the class sees it."""
    while not (app.run.page.kind == "activity" and isinstance(app.run.page.activity, kind)):
        app.next_button.click()
    return app.run.page.activity


def card_rows(app) -> list[tuple[w.ToggleButtons, w.HTML]]:
    """Each card's picker with the feedback shown under it."""
    children = list(app.body.children)
    return [(c, children[n + 1]) for n, c in enumerate(children) if isinstance(c, w.ToggleButtons)]


def shown(widget: w.HTML) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", widget.value))


CARD_SORTS = [
    x for x in LESSONS if any(isinstance(a, CardSort) for a in CATALOGUE.lessons[x].activities)
]


@pytest.mark.parametrize("lesson_id", CARD_SORTS)
def test_a_card_put_in_the_wrong_pile_is_told_where_it_belongs(classroom, lesson_id):
    """Does a card in the wrong pile say "Not quite", name the right pile and give the reason
    (a reason, never a verdict: see the next test); and a card in the right pile say so?"""
    app, teacher = classroom
    start(app, lesson_id)
    activity = turn_to(app, CardSort)
    labels = {b.id: b.label for b in activity.bins}
    for (picker, feedback), card in zip(card_rows(app), activity.cards, strict=True):
        picker.value = next(b for b in labels if b != card.bin)
        pile = labels[card.bin].rstrip(".")
        assert shown(feedback) == f"Not quite. This one belongs in “{pile}”. {card.feedback}"
        picker.value = card.bin
        assert shown(feedback) == f"Yes, that's right! {card.feedback}"


@pytest.mark.parametrize("lesson_id", CARD_SORTS)
def test_card_feedback_gives_the_reason_not_the_verdict(lesson_id):
    """Is each card's feedback a reason, true after "Yes, that's right!" and after "Not quite":
    never a verdict ("Yes!", "Not good") nor the bare name of a pile?"""
    for activity in CATALOGUE.lessons[lesson_id].activities:
        if not isinstance(activity, CardSort):
            continue
        piles = [b.label.lower() for b in activity.bins]
        for card in activity.cards:
            first = re.split(r"[.!?]", card.feedback, maxsplit=1)[0].strip().lower()
            assert not re.match(VERDICT, first), f"{card.id}: {card.feedback}"
            assert not any(first in pile for pile in piles), f"{card.id}: {card.feedback}"


def test_vote_counts_typed_are_kept_without_showing_the_answer(classroom, store):
    """Counts typed in and then Next (no "Show the answer"): are they on the end page, in the
    saved delivery, and still in the boxes on going back?"""
    app, teacher = classroom
    start(app, lesson_with(Vote).id)
    vote = turn_to(app, Vote)
    typed = {option.id: 3 + n for n, option in enumerate(vote.options)}
    for option_id, count in typed.items():
        app.vote_counts[option_id].value = count
    app.next_button.click()
    app.back_button.click()
    assert {k: box.value for k, box in app.vote_counts.items()} == typed
    while not app.run.at_end:
        app.next_button.click()
    result = shown(app.body.children[1])
    for option in vote.options:
        assert f"{option.text} {typed[option.id]}" in result, result
    app.save_button.click()
    (delivery,) = store.deliveries()
    assert {(o, n) for a, o, n in delivery.tallies if a == vote.id} == set(typed.items())


def test_a_lesson_saved_twice_is_one_delivery_with_the_last_answers(classroom, store):
    """Save, Back, change an answer, Next, save again (twice, as a double-click would): is it one
    delivery holding the changed answer, with the button saying it saves the changes?"""
    app, teacher = classroom
    start(app, lesson_with(Vote).id)
    vote = turn_to(app, Vote)
    first = vote.options[0].id
    app.vote_counts[first].value = 4
    while not app.run.at_end:
        app.next_button.click()
    app.save_button.click()
    assert app.save_button.disabled and "Saved:" in app.saved.value
    while app.run.page.activity != vote:
        app.back_button.click()
    app.vote_counts[first].value = 9
    while not app.run.at_end:
        app.next_button.click()
    assert app.save_button.description == "Save the changes" and not app.save_button.disabled
    app.save_button.click()
    app.save_button.click()
    (delivery,) = store.deliveries()
    assert (vote.id, first, 9) in delivery.tallies
    assert "Saved:" in app.saved.value and app.alert.value == ""
    labels = [getattr(c, "description", None) for c in app.body.children]
    assert labels.count("Teach another lesson") == 1


def page_text(app) -> str:
    """Everything the page's widgets hold, as the browser is sent it."""
    return " ".join(
        json.dumps(x.get_state(), default=str) for x in widget_tree([app.root]).values()
    )


def test_the_classroom_lists_no_staff_and_records_the_teacher_signed_in(store, catalogue, school):
    """Before anyone signs in, does the page hold no staff name or email; does a wrong code say
    so, with the advice to ask the DSL for a new code; and is the lesson saved recorded as the
    teacher who signed in?"""
    staff = [
        NewLearner("Ms Ada Park", "ada@school.example", "teacher", date(2026, 9, 1)),
        NewLearner("Mr Ben Cole", "ben@school.example", "support", date(2026, 9, 1)),
    ]
    (_, _), (ben, code) = store.add_learners(staff)
    store.add_class("Year 1 Oak", "5-7")
    app = ClassroomApp(store, school, client_address=lambda: "10.1.2.3")
    shown = page_text(app)
    for person in staff:
        assert person.name not in shown and person.email not in shown
    assert app.email in app.body.children and app.learner is None
    sign_in(app, ben.email, "WRONG-CODE-0000")
    assert "do not match" in app.alert.value and "issue you a new one" in app.alert.value
    assert app.learner is None and app.email in app.body.children and app.code.value == ""
    sign_in(app, ben.email, code)
    assert "Signed in as Mr Ben Cole" in app.body.children[0].value and app.alert.value == ""
    start(app, lesson_with(Vote).id)
    while not app.run.at_end:
        app.next_button.click()
    app.save_button.click()
    (delivery,) = store.deliveries()
    assert delivery.teacher_id == ben.id
    seen = [(s["outcome"], s["page"], s["client"]) for s in store.sign_ins_for(ben.email)]
    assert seen == [("wrong", "classroom", "10.1.2.3"), ("ok", "classroom", "10.1.2.3")]


def test_only_teachers_and_support_staff_record_a_lesson(store, catalogue, school):
    """Is a governor who signs in on the classroom page told why, and left signed out?"""
    ((governor, code),) = store.add_learners(
        [NewLearner("Gil Ford", "gil@school.example", "governor", date(2026, 9, 1))]
    )
    app = ClassroomApp(store, school)
    sign_in(app, governor.email, code)
    assert "teachers and support staff" in app.alert.value and "as governor" in app.alert.value
    assert app.learner is None and app.email in app.body.children


def test_signing_out_of_the_classroom_leaves_nothing_of_the_teacher(store, catalogue, school):
    """After a lesson is saved and the teacher signs out, does any widget in the kernel still
    hold their name, email or code, or does the page still refer to their lesson?"""
    ((teacher, code),) = store.add_learners(  # a name no other test's widgets hold
        [NewLearner("Mx Rowan Hale", "rowan.hale@school.example", "teacher", date(2026, 9, 1))]
    )
    store.add_class("Year 1 Oak", "5-7")
    before = set(w.Widget.widgets)
    app = ClassroomApp(store, school)
    sign_in(app, teacher.email, code)
    assert teacher.name in page_text(app)
    start(app, lesson_with(Vote).id)
    while not app.run.at_end:
        app.next_button.click()
    app.back_button.click()  # the end page seen once without saving leaves nothing behind
    app.next_button.click()
    app.save_button.click()

    click(app, "Sign out")

    assert_nothing_left(app, before, (teacher.name, teacher.email, code))
    assert (app.learner, app.run, app.school_class, app.delivery_id) == (None, None, None, None)


def test_a_hostile_class_and_teacher_name_are_shown_as_text(store, school):
    """Is a class or teacher name full of markup shown as text on every view of the board?"""
    name = '<script>alert(1)</script>"onmouseover="x'
    ((teacher, code),) = store.add_learners(
        [NewLearner(name, "mal@school.example", "teacher", date(2026, 9, 1))]
    )
    store.add_class(name, "5-7")
    app = ClassroomApp(store, school)
    sign_in(app, teacher.email, code)
    start(app, lesson_with(Vote).id)
    while not app.run.at_end:
        app.next_button.click()
    app.save_button.click()
    for value in [app.body.children[0].value, app.body.children[1].value, app.saved.value]:
        assert "<script>" not in value and '"onmouseover="' not in value
        assert escape(name) in value
