"""The staff app's widgets, driven in plain Python: set .value, click buttons, read HTML."""

from __future__ import annotations

import base64
import io
import json
import logging
import re
from datetime import UTC, date, datetime

import ipywidgets as w
import pytest
from markupsafe import escape
from sqlalchemy import insert

from tests.conftest import SCENARIO, SCHOOL, SCHOOLS
from tests.school.test_sources import feedback_html
from toolkit.apps.staff import StaffApp
from toolkit.engine import EngineError
from toolkit.school.school import School
from toolkit.school.sources import Quote, Sources
from toolkit.store import FAILED_PER_EMAIL, NewLearner, StoreBusy, choices


@pytest.fixture
def app(store, catalogue, school):
    return StaffApp(store, school, today=lambda: date(2026, 9, 5))


def sign_in(app, email, code):
    app.email.value, app.code.value = email, code
    app.sign_in_button.click()


def test_a_wrong_code_shows_a_message_and_stays_on_sign_in(app, learner_and_code):
    """Does a wrong code show an alert in the page rather than a dead button, with advice that
    is true: the DSL can issue a new code?"""
    sign_in(app, learner_and_code[0].email, "WRONG-CODE-0000")
    assert "do not match" in app.alert.value and 'role="alert"' in app.alert.value
    assert "ask the Designated Safeguarding Lead to issue you a new one" in app.alert.value
    assert app.learner is None and app.code.value == ""
    sign_in(app, "", "")
    assert "enter both" in app.alert.value


def test_a_paused_sign_in_says_how_long_to_wait_then_the_advice(app, learner_and_code):
    """After too many wrong codes, is the store's own wording shown (how long to wait),
    followed by the advice, the person left signed out, and the page recorded?"""
    learner, code = learner_and_code
    for _ in range(FAILED_PER_EMAIL):
        sign_in(app, learner.email, "WRONG-CODE-0000")
        assert "Check them and try again." in app.alert.value
    sign_in(app, learner.email, code)
    assert "signing in is paused for 15 minutes. Please wait, then try again." in app.alert.value
    assert "Check them" not in app.alert.value
    assert "issue you a new one" in app.alert.value and app.learner is None
    seen = app.store.sign_ins_for(learner.email)
    assert {(s["page"], s["client"]) for s in seen} == {("staff", "")}


def test_a_leaver_is_told_they_left_and_stays_signed_out(app, learner_and_code):
    """Does someone who left, with the right code, read why they cannot sign in and whom to ask?"""
    learner, code = learner_and_code
    app.store.leave(learner.email, on=date(2026, 8, 31))
    sign_in(app, learner.email, code)
    assert "you left the school on 31/08/2026" in app.alert.value
    assert "ask the Designated Safeguarding Lead to restore your access" in app.alert.value
    assert app.learner is None and app.code.value == ""
    assert [s["outcome"] for s in app.store.sign_ins_for(learner.email)] == ["left"]


def test_modules_show_status_due_date_and_time(app, catalogue, learner_and_code):
    """Does the module list show each module's status, due date and estimated minutes?"""
    sign_in(app, learner_and_code[0].email, learner_and_code[1])
    module = catalogue.modules["contact"]
    heading = next(c.value for c in app.body.children if module.title in getattr(c, "value", ""))
    assert "Not started: due by 15 September 2026" in heading  # start date 1 September + 14 days
    assert f"About {module.minutes} minutes" in heading
    assert app.scenario_buttons[SCENARIO].description.startswith(
        "Start: A friend request from a pupil"
    )


def test_overdue_modules_say_so_in_words(store, catalogue, learner_and_code, school):
    """Is an overdue module marked in text, not only by colour?"""
    app = StaffApp(store, school, today=lambda: date(2026, 10, 1))
    sign_in(app, learner_and_code[0].email, learner_and_code[1])
    assert any(
        "Overdue: it was due on 15 September 2026" in getattr(c, "value", "")
        for c in app.body.children
    )


def play_to_the_end(app, store, indexes):
    """Click the given choices in turn, checking each one is saved the moment it is made."""
    made = [(c.step_id, c.choice_index) for c in store.choices_for(app.attempt_id)]
    for index in indexes:
        step = app.run.step_id
        app.choice_buttons[index].click()
        made.append((step, index))
        assert app.alert.value == ""
        saved = store.choices_for(app.attempt_id)
        assert [(c.step_id, c.choice_index) for c in saved] == made
        app.continue_button.click()
    return made


def test_playing_a_scenario_saves_every_choice_and_ends_with_a_summary(
    app, store, catalogue, learner_and_code
):
    """Does each click save the choice, show feedback citing the policy, and end in a summary?"""
    learner, code = learner_and_code
    sign_in(app, learner.email, code)
    app.scenario_buttons[SCENARIO].click()
    assert "What do you do?" in app.step_text.value
    app.choice_buttons[0].click()
    assert "Unsafe choice" in app.feedback.value
    assert "What your school's policy says" in app.feedback.value
    assert "staff-use-4" in app.feedback.value
    assert escape('Members of staff must not "friend"') in app.feedback.value
    attempt = app.attempt_id
    app.continue_button.click()
    play_to_the_end(app, store, [0])
    assert "summary" in app.summary.value and "Your score is" in app.summary.value
    (record,) = store.attempts_for(learner.id)
    assert record["id"] == attempt and record["completed_at"] is not None and record["score"] == 50
    assert [(c.step_id, c.outcome) for c in store.choices_for(attempt)] == [
        ("request", "unsafe"),
        ("accepted", "safe"),
    ]
    app.back_button().click()
    assert app.scenario_buttons[SCENARIO].description.startswith("Play again")
    contact = catalogue.modules["contact"].title
    heading = next(c.value for c in app.body.children if contact in getattr(c, "value", ""))
    others_left = len(catalogue.scenarios_in("contact")) > 1
    assert ("Status: In progress" if others_left else "Status: Complete") in heading


def test_a_closed_tab_loses_nothing_already_chosen(store, catalogue, learner_and_code, school):
    """After a tab is closed mid-scenario, does signing in again resume at the same place?"""
    learner, code = learner_and_code
    first = StaffApp(store, school)
    sign_in(first, learner.email, code)
    first.scenario_buttons[SCENARIO].click()
    first.choice_buttons[3].click()
    first.continue_button.click()
    step = first.run.step_id
    del first  # the tab is closed
    second = StaffApp(store, school)
    sign_in(second, learner.email, code)
    assert second.scenario_buttons[SCENARIO].description.startswith("Continue")
    second.scenario_buttons[SCENARIO].click()
    assert len(second.run.path) == 1 and second.run.phase == "feedback"
    assert "Decision 1" in second.feedback.value  # back at the feedback they were reading
    second.continue_button.click()
    assert second.run.step_id == step and "Decision 2" in second.step_text.value


def test_a_failure_in_a_callback_is_shown_and_logged(
    app, store, learner_and_code, monkeypatch, caplog
):
    """If saving fails, does the page say so (and keep the learner where they were) and the log record it?"""
    sign_in(app, *[learner_and_code[0].email, learner_and_code[1]])
    app.scenario_buttons[SCENARIO].click()

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "record_choice", broken)
    with caplog.at_level(logging.ERROR, logger="toolkit"):
        app.choice_buttons[0].click()
    assert "Sorry, something went wrong" in app.alert.value
    assert "disk full" in caplog.text
    assert app.run.phase == "choosing" and app.run.path == []
    monkeypatch.undo()
    app.choice_buttons[0].click()
    assert app.alert.value == "" and app.run.phase == "feedback"


def test_a_busy_database_is_named_as_such_in_the_page(app, store, learner_and_code, monkeypatch):
    """If the database is at its limit of connections, does the page say so and that waiting
    helps, rather than a bare failure?"""
    sign_in(app, *[learner_and_code[0].email, learner_and_code[1]])
    app.scenario_buttons[SCENARIO].click()

    def busy(*args, **kwargs):
        raise StoreBusy()

    monkeypatch.setattr(store, "record_choice", busy)
    app.choice_buttons[0].click()
    assert "at its limit of connections" in app.alert.value and "try again" in app.alert.value
    assert "Everything you chose before is saved." in app.alert.value
    assert app.run.phase == "choosing" and app.run.path == []


def saved(store, attempt_id):
    return [(c.seq, c.step_id, c.choice_index) for c in store.choices_for(attempt_id)]


def playing(store, school, learner_and_code):
    """A new page (a tab: its own kernel, the same store) with the scenario started."""
    tab = StaffApp(store, school)
    sign_in(tab, learner_and_code[0].email, learner_and_code[1])
    tab.scenario_buttons[SCENARIO].click()
    return tab


def test_a_double_click_on_a_choice_saves_one_choice(app, store, learner_and_code):
    """Does a second click on a choice (or on Continue) whose view has gone do nothing at all?"""
    sign_in(app, learner_and_code[0].email, learner_and_code[1])
    app.scenario_buttons[SCENARIO].click()
    choice = app.choice_buttons[0]
    choice.click()
    choice.click()
    assert app.alert.value == "" and app.run.phase == "feedback"
    assert saved(store, app.attempt_id) == [(1, "request", 0)]
    onward = app.continue_button
    onward.click()
    onward.click()
    assert app.alert.value == "" and (app.run.step_id, app.run.phase) == ("accepted", "choosing")
    assert "Decision 2" in app.step_text.value


def test_the_engine_refuses_a_late_choice_before_anything_is_saved(app, store, learner_and_code):
    """If a choice reaches the app after the step is answered, is it refused before the store?"""
    sign_in(app, learner_and_code[0].email, learner_and_code[1])
    app.scenario_buttons[SCENARIO].click()
    app.choice_buttons[0].click()
    with pytest.raises(EngineError):
        app.choose(3)
    assert saved(store, app.attempt_id) == [(1, "request", 0)]


def test_two_tabs_on_one_store_save_one_choice_per_step(store, catalogue, learner_and_code, school):
    """Choosing in two tabs in turn: one choice per step, and the tab behind shows where the
    learner is now, politely, rather than a failure?"""
    first = playing(store, school, learner_and_code)
    second = playing(store, school, learner_and_code)
    assert first.attempt_id == second.attempt_id
    first.choice_buttons[0].click()
    second.choice_buttons[3].click()  # a different choice at the step already answered
    assert saved(store, first.attempt_id) == [(1, "request", 0)]
    assert "another tab or window" in second.alert.value
    assert 'role="status"' in second.alert.value and "Sorry" not in second.alert.value
    assert second.run.last.choice_index == 0 and "Decision 1" in second.feedback.value
    first.continue_button.click()
    second.continue_button.click()
    second.choice_buttons[0].click()
    first.choice_buttons[0].click()  # the same choice: it is the one saved
    assert first.alert.value == "" and second.alert.value == ""
    assert saved(store, first.attempt_id) == [(1, "request", 0), (2, "accepted", 0)]
    second.continue_button.click()
    first.continue_button.click()  # the other tab finished the attempt already
    assert first.alert.value == "" and "Your score is <strong>50%</strong>" in first.summary.value
    (attempt,) = store.attempts_for(learner_and_code[0].id)
    assert attempt["completed_at"] is not None and attempt["score"] == 50


def test_a_choice_in_a_tab_behind_a_finished_attempt_goes_to_the_modules(
    store, catalogue, learner_and_code, school
):
    """If another tab finished the scenario, does a choice here lead politely to the modules?"""
    first = playing(store, school, learner_and_code)
    second = playing(store, school, learner_and_code)
    attempt = first.attempt_id
    first.choice_buttons[0].click()
    first.continue_button.click()
    first.choice_buttons[1].click()  # ends the scenario after its feedback
    first.continue_button.click()
    second.choice_buttons[0].click()
    assert "finished this scenario in another tab" in second.alert.value
    assert second.run is None and SCENARIO in second.scenario_buttons
    assert saved(store, attempt) == [(1, "request", 0), (2, "accepted", 1)]


def test_an_attempt_with_two_choices_at_one_step_can_be_continued(
    store, catalogue, learner_and_code, caplog, school
):
    """An attempt saved by a double-click in an older release: does playing it show where the
    learner was, remove the stray choice (logged) and let them go on?"""
    learner = learner_and_code[0]
    attempt = store.start_attempt(learner.id, SCENARIO, catalogue.version(SCENARIO, SCHOOL))
    with store.engine.begin() as conn:
        for seq in (1, 2):
            conn.execute(
                insert(choices).values(
                    attempt_id=attempt,
                    seq=seq,
                    scenario_id=SCENARIO,
                    step_id="request",
                    choice_index=0,
                    outcome="unsafe",
                    chosen_at=datetime.now(UTC),
                )
            )
    with caplog.at_level(logging.WARNING, logger="toolkit"):
        app = playing(store, school, learner_and_code)
    assert app.alert.value == "" and app.attempt_id == attempt
    assert app.run.phase == "feedback" and "Decision 1" in app.feedback.value
    assert saved(store, attempt) == [(1, "request", 0)]
    assert "removed 1 choices off its path" in caplog.text
    app.continue_button.click()
    app.choice_buttons[0].click()
    assert app.alert.value == ""
    assert saved(store, attempt) == [(1, "request", 0), (2, "accepted", 0)]


def test_anything_a_person_typed_is_escaped(store, catalogue, school):
    """Is a hostile roster name shown as text, never as markup?"""
    name = "<img src=x onerror=alert(1)>"
    ((learner, code),) = store.add_learners(
        [NewLearner(name, "h@school.example", "teacher", date(2026, 9, 1))]
    )
    app = StaffApp(store, school)
    sign_in(app, learner.email, code)
    heading = app.body.children[0].value
    assert "<img" not in heading and "&lt;img src=x onerror=alert(1)&gt;" in heading


def click(app, label: str) -> None:
    """Click the button of the current view with this label, as a person would."""
    (button,) = [c for c in app.body.children if getattr(c, "description", None) == label]
    button.click()


def kernel_texts() -> list[tuple[str, str]]:
    """The state of every widget alive in the kernel as ("state", text), and the words of each
    PDF in a data link as ("pdf", text). Widgets other tests left alive (a report of several
    pages, say) are read too: the person's words must be in none of them."""
    from pypdf import PdfReader

    texts = []
    for widget in list(w.Widget.widgets.values()):
        text = json.dumps(widget.get_state(), default=str)
        texts.append(("state", text))
        for pdf in re.findall(r"data:application/pdf;base64,([A-Za-z0-9+/=]+)", text):
            reader = PdfReader(io.BytesIO(base64.b64decode(pdf)))
            words = " ".join(page.extract_text() for page in reader.pages)
            texts.append(("pdf", " ".join(words.split())))
    return texts


def model_tree(root: w.Widget) -> set[str]:
    """The model ids of a widget and of every widget its state refers to (children, layout...)."""
    found, todo = set(), [root.model_id]
    while todo:
        model_id = todo.pop()
        if model_id not in found:
            found.add(model_id)
            state = json.dumps(w.Widget.widgets[model_id].get_state(), default=str)
            todo += re.findall(r"IPY_MODEL_(\w+)", state)
    return found


def assert_nothing_left(app, before: set[str], secrets: tuple[str, ...]) -> None:
    """After sign-out: the page is back on an empty sign-in form; no widget in the kernel holds
    any of the person's secrets; no widget is alive but those before and the page's own; and the
    page refers to no closed widget."""
    assert app.alert.value == "" and app.email in app.body.children and app.email.value == ""
    leaks = [
        (kind, text[max(text.find(secret) - 80, 0) : text.find(secret) + 40])
        for kind, text in kernel_texts()
        for secret in secrets
        if secret in text
    ]
    assert not leaks, leaks
    left = set(w.Widget.widgets) - before - model_tree(app.root)
    assert not left, sorted(type(w.Widget.widgets[m]).__name__ for m in left)
    held = [k for k, v in vars(app).items() if isinstance(v, w.Widget) and v.comm is None]
    assert not held, f"the page still refers to closed widgets: {held}"


def test_signing_out_leaves_nothing_of_the_person_in_the_kernel(store, catalogue, school):
    """After sign-out on a shared PC, does any widget in the kernel still hold the person's email,
    name or access code, or anything of the views they saw?"""
    from tests.reports.test_certificates import complete_modules

    name, email = "Sam Leaver", "sam.leaver@school.example"
    ((learner, code),) = store.add_learners([NewLearner(name, email, "teacher", date(2026, 9, 1))])
    complete_modules(store, catalogue, learner)  # so their certificate is on the page
    before = set(w.Widget.widgets)
    app = StaffApp(store, school, grader=lambda *_: None, today=lambda: date(2026, 9, 5))
    sign_in(app, email, code)
    assert {kind for kind, text in kernel_texts() if name in text} == {"state", "pdf"}
    app.scenario_buttons[SCENARIO].click()
    app.choice_buttons[0].click()
    click(app, "Back to my modules")
    app.quiz_buttons["contact"].click()
    app.quiz.reflection.value = f"I am {name} ({email}); my code is {code}."
    click(app, "Back to my modules")

    click(app, "Sign out")

    assert_nothing_left(app, before, (name, email, code))
    assert (app.learner, app.quiz, app.run, app.attempt_id) == (None, None, None, None)


def test_governors_see_only_modules_for_their_role(store, catalogue, school):
    """Does a learner see only the modules whose roles include theirs?"""
    ((learner, code),) = store.add_learners(
        [NewLearner("Gov", "gov@school.example", "governor", date(2026, 9, 1))]
    )
    app = StaffApp(store, school)
    sign_in(app, learner.email, code)
    expected = {
        s.id for m in catalogue.modules_for("governor") for s in catalogue.scenarios_in(m.id)
    }
    assert set(app.scenario_buttons) == expected


def test_every_path_through_the_shipped_scenario_can_be_played(
    store, catalogue, learner_and_code, school
):
    """Can every choice of every step be played to an end in the app without an error?"""
    learner, code = learner_and_code
    app = StaffApp(store, school)
    sign_in(app, learner.email, code)
    scenario = catalogue.scenarios[SCENARIO]
    for step_id, step in scenario.steps.items():
        for index in range(len(step.choices)):
            path = _path_to(scenario, step_id)
            app.show_modules()
            app.scenario_buttons[SCENARIO].click()
            for choice_step, choice_index in [*path, (step_id, index)]:
                assert app.run.step_id == choice_step
                app.choice_buttons[choice_index].click()
                app.continue_button.click()
            while app.run is not None:  # finish by always taking the first choice
                app.choice_buttons[0].click()
                app.continue_button.click()
            assert app.alert.value == "" and "Your score is" in app.summary.value


def _path_to(scenario, target):
    """Choices (step, index) from the start to the target step, breadth first."""
    paths, todo = {scenario.start: []}, [scenario.start]
    while todo:
        step_id = todo.pop(0)
        for i, choice in enumerate(scenario.steps[step_id].choices):
            if choice.next and choice.next not in paths:
                paths[choice.next] = [*paths[step_id], (step_id, i)]
                todo.append(choice.next)
    return paths[target]


@pytest.mark.parametrize("school", SCHOOLS)
def test_each_school_sees_its_modules_and_plays_every_scenario(store, catalogue, school):
    """For every school, does the app list its modules in order and play each scenario to a summary?"""
    ((learner, code),) = store.add_learners(
        [NewLearner("Kim", "kim@school.example", "teacher", date(2026, 9, 1))]
    )
    app = StaffApp(store, School.resolve(catalogue, school))
    sign_in(app, learner.email, code)
    titles = [m.title for m in catalogue.modules_for("teacher")]
    headings = [c.value for c in app.body.children if "<h2>" in getattr(c, "value", "")]
    assert [next(t for t in titles if t in h) for h in headings] == titles
    assert escape(catalogue.profiles[school].name) in app.body.children[0].value
    for scenario_id in catalogue.scenarios:
        for pick in ("first", "safe"):
            app.show_modules()
            app.scenario_buttons[scenario_id].click()
            while app.run is not None:
                choices = app.run.step.choices
                index = (
                    0
                    if pick == "first"
                    else next(i for i, c in enumerate(choices) if c.outcome == "safe")
                )
                app.choice_buttons[index].click()
                assert app.alert.value == "", app.alert.value
                app.continue_button.click()
            assert "Your score is" in app.summary.value
            if pick == "safe":
                assert "Your score is <strong>100%</strong>" in app.summary.value


def test_a_store_deleted_while_a_learner_plays_is_shown_and_logged(
    tmp_path, app, learner_and_code, caplog
):
    """If the store's file is deleted mid-scenario, does a click show the alert and the log say why?"""
    sign_in(app, learner_and_code[0].email, learner_and_code[1])
    app.scenario_buttons[SCENARIO].click()
    (tmp_path / "esafety.db").unlink()
    with caplog.at_level(logging.ERROR, logger="toolkit"):
        app.choice_buttons[0].click()
    assert "Sorry, something went wrong" in app.alert.value
    assert "was deleted or replaced" in caplog.text and "esafety init" in caplog.text
    assert app.run.phase == "choosing" and app.run.path == []
    assert not (tmp_path / "esafety.db").exists()


def test_a_quoted_item_of_a_do_not_list_keeps_its_negation(catalogue):
    """Is an item of a list of things not to do quoted with the list's "Do not", marked as
    added, never as an instruction?"""
    clause = catalogue.profile("bury-ce-primary").clause("social-networking-7")
    quote = Quote(clause.quoted, "p, section “s” (clause c)", "")
    html = feedback_html(Sources("p", [quote], [], False), "unsafe")
    assert ">[Do not] Include material that is abusive" in html
    assert "<strong>Your policy:</strong> p, section" in html


def test_a_policy_change_asks_for_a_replay_of_only_the_scenarios_citing_it(
    store, catalogue, school, learner_and_code, monkeypatch
):
    """After a clause changes, does the page quote it, offer a replay of just the scenarios
    done before that cite it, and stop asking once the replay is done?"""
    from tests.school.test_policy_changes import changed_school
    from toolkit.school import policy_changes
    from toolkit.store import clock

    learner, code = learner_and_code
    moments = iter(datetime(2026, 9, 2, 9, minute, tzinfo=UTC) for minute in range(60))
    monkeypatch.setattr(clock, "now", lambda: next(moments))
    cites = policy_changes.scenario_citations(school)
    other = next(s for s, ids in cites.items() if "staff-use-4" not in ids)
    app = StaffApp(store, school, today=lambda: date(2026, 9, 5))
    for scenario_id in (SCENARIO, other):
        store.complete_attempt(store.start_attempt(learner.id, scenario_id, "v1"), 100)
    sign_in(app, learner.email, code)
    assert app.replay_buttons == {}
    assert "policy changed" not in app.body.children[1].value

    typo = changed_school(school, "staff-use-4", school.profile.clause("staff-use-4").text + " ")
    changed = changed_school(school, "staff-use-4", "Staff may <b>friend</b> parents.")
    for version in (typo, changed):
        app = StaffApp(store, version, today=lambda: date(2026, 9, 5))
        sign_in(app, learner.email, code)
        if version is typo:
            assert app.replay_buttons == {}
    notice = app.body.children[1].value
    assert "Your school's policy changed" in notice
    assert "Reworded clause (staff-use-4)" in notice
    assert "Staff may &lt;b&gt;friend&lt;/b&gt; parents." in notice
    assert list(app.replay_buttons) == [SCENARIO]
    app.replay_buttons[SCENARIO].click()
    while app.run is not None:
        app.choice_buttons[0].click()
        app.continue_button.click()
    app.show_modules()
    assert app.replay_buttons == {}
    assert "policy changed" not in app.body.children[1].value
