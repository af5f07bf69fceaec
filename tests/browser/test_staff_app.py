"""The staff app as a person meets it: served by `esafety serve`, driven in Chromium.

Voila renders the widgets client-side after the kernel has run the notebook, so every step
waits for the element it needs (bounded), never for a fixed time. Nothing here is timed.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.browser.keys import axe_findings, button, squash, tab_to_button, tab_to_field
from toolkit.apps.staff import OUTCOME_TEXT
from toolkit.engine import POINTS
from toolkit.school.school import School
from toolkit.store import Store

pytestmark = pytest.mark.browser

SCHOOL = "barley-lane-primary"
SCENARIO = "friend-request-from-pupil"
RENDER_TIMEOUT_MS = 60_000  # first render: kernel start and the notebook run
STEP_TIMEOUT_MS = 20_000  # one round trip through the kernel after a key press
SCENARIO_TITLE = "A friend request from a pupil"


def plan_path(scenario, length: int = 3) -> list[int]:
    """Choice indices for a path of `length` decisions whose last choice ends the scenario
    itself (so both "Continue" and "Finish and see your summary" are pressed), with more
    than one kind of outcome; found in the content, so edits to the scenario do not break it."""

    def walk(step_id: str, path: list[int], outcomes: list[str]):
        for index, choice in enumerate(scenario.steps[step_id].choices):
            here, kinds = [*path, index], [*outcomes, choice.outcome]
            if len(here) == length:
                if choice.next is None and len(set(kinds)) > 1:
                    yield here
            elif choice.next and scenario.steps[choice.next].choices:
                yield from walk(choice.next, here, kinds)

    found = next(walk(scenario.start, [], []), None)
    assert found, f"{scenario.id} has no path of {length} decisions ending on a final choice"
    return found


def open_sign_in(page: Page, server) -> None:
    page.goto(server.url + "voila/render/staff.ipynb", timeout=RENDER_TIMEOUT_MS)
    expect(button(page, "Sign in")).to_be_enabled(timeout=RENDER_TIMEOUT_MS)


def sign_in_with_mouse(page: Page, email: str, code: str) -> None:
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Access code", exact=True).fill(code)
    button(page, "Sign in").click()


def start_button(page: Page):
    return page.get_by_role("button", name=re.compile(rf"^(Start|Continue): {SCENARIO_TITLE} "))


# --- 1. keyboard only, all the way to the summary, and the store agrees -----------------


def test_keyboard_only_sign_in_and_scenario_is_saved_in_order(
    page, server, hostile_learner, catalogue
):
    learner_id, email, code, name = hostile_learner
    scenario = catalogue.scenarios[SCENARIO].for_school(catalogue.profile(SCHOOL))
    open_sign_in(page, server)

    tab_to_field(page, "Email")
    page.keyboard.type(email)
    tab_to_field(page, "Access code")  # the very next Tab stop
    page.keyboard.type(code)
    tab_to_button(page, "Sign in")
    page.keyboard.press("Enter")

    heading = page.locator("h1", has_text="Your training")
    expect(heading).to_have_text(f"Your training, {name}")  # literal text, not markup
    assert page.locator('img[src="x"]').count() == 0
    assert page.dialogs == []

    start = start_button(page)
    expect(start).to_be_visible()
    tab_to_button(page, start.inner_text())
    page.keyboard.press("Space")

    made: list[tuple[str, int, str]] = []
    plan = plan_path(scenario)
    step_id = scenario.start
    for number, index in enumerate(plan):
        key = "Enter" if number % 2 == 0 else "Space"  # a button answers to both
        choice = scenario.steps[step_id].choices[index]
        expect(button(page, choice.label)).to_be_visible()
        tab_to_button(page, choice.label)
        page.keyboard.press(key)

        expect(page.get_by_role("status")).to_contain_text(OUTCOME_TEXT[choice.outcome])
        made.append((step_id, index, choice.outcome))
        onward = "Continue" if choice.next else "Finish and see your summary"
        expect(button(page, onward)).to_be_visible()
        tab_to_button(page, onward)
        page.keyboard.press(key)
        if choice.next is None or not scenario.steps[choice.next].choices:
            break
        step_id = choice.next
    assert len(made) == len(plan), "the plan should end the scenario at its last choice"

    expect(page.locator("h1", has_text="summary")).to_have_text(f"{SCENARIO_TITLE}: summary")
    path_items = page.locator(".esafety ol li")
    expect(path_items).to_have_count(len(made))
    for item, (step, index, _outcome) in zip(path_items.all(), made, strict=True):
        assert squash(scenario.steps[step].choices[index].label) in squash(item.inner_text())
    assert page.locator('img[src="x"]').count() == 0
    assert page.dialogs == []

    store = Store(server.db_url)
    try:
        attempts = store.attempts_for(learner_id)
        assert len(attempts) == 1
        attempt = attempts[0]
        assert attempt["scenario_id"] == SCENARIO
        assert attempt["completed_at"] is not None
        expected_score = round(100 * sum(POINTS[o] for _, _, o in made) / len(made))
        assert attempt["score"] == expected_score
        recorded = store.choices_for(attempt["id"])
    finally:
        store.close()
    assert [(c.step_id, c.choice_index, c.outcome) for c in recorded] == made
    seqs = [c.seq for c in recorded]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    times = [c.chosen_at for c in recorded]
    assert times == sorted(times)


# --- 2. axe-core: no serious or critical findings ------------------------------------------


def test_axe_finds_nothing_serious_on_sign_in_modules_step_and_feedback(page, server, catalogue):
    _, email, code = server.learner("axe.check")
    scenario = catalogue.scenarios[SCENARIO].for_school(catalogue.profile(SCHOOL))
    first = scenario.steps[scenario.start].choices[0]
    serious: list[str] = []

    open_sign_in(page, server)
    serious += axe_findings(page, "sign-in")

    sign_in_with_mouse(page, email, code)
    expect(start_button(page)).to_be_visible()
    serious += axe_findings(page, "my modules")

    start_button(page).click()
    expect(button(page, first.label)).to_be_visible()
    serious += axe_findings(page, "scenario step")

    button(page, first.label).click()
    expect(page.get_by_role("status")).to_contain_text(OUTCOME_TEXT[first.outcome])
    serious += axe_findings(page, "feedback")

    assert not serious, "serious or critical accessibility findings:\n" + "\n".join(serious)


# --- 3. a wrong access code says so, and the button still works ---------------------------


def test_wrong_access_code_shows_an_alert_and_the_button_still_works(page, server):
    _, email, code = server.learner("wrong.code")
    open_sign_in(page, server)
    alert = page.get_by_role("alert")

    sign_in_with_mouse(page, email, "WRNG-CODE-0000")
    expect(alert).to_contain_text("do not match")
    expect(alert).to_contain_text(  # true advice: the DSL can issue a new code
        "ask the Designated Safeguarding Lead to issue you a new one"
    )
    expect(button(page, "Sign in")).to_be_enabled()
    expect(page.get_by_label("Access code", exact=True)).to_have_value("")
    assert page.locator("h1", has_text="Your training").count() == 0

    button(page, "Sign in").click()  # the code field was cleared: asks for both
    expect(alert).to_contain_text("Please enter both")

    page.get_by_label("Access code", exact=True).fill(code)
    button(page, "Sign in").click()
    expect(page.locator("h1", has_text="Your training")).to_be_visible()
    expect(alert).to_have_count(0)


# --- 4. the server hands out neither the database nor the notebook's source ----------------

NOTEBOOK_SOURCE = b"from toolkit.apps.launch import staff_app"
SQLITE_HEADER = b"SQLite format 3"
HIDDEN_TESTS = b"BEGIN HIDDEN TESTS"


@pytest.mark.parametrize(
    "path",
    [
        "voila/files/esafety.db",
        "voila/files/staff.ipynb",
        "voila/files/notebooks/staff.ipynb",
        "voila/files/..%2Fnotebooks%2Fstaff.ipynb",
        "voila/files/{db_path}",
        "files/esafety.db",
        "api/contents",
        "api/contents/staff.ipynb",
        "api/contents/esafety.db",
        "voila/api/contents",
        "voila/api/contents/staff.ipynb",
        "tree",
        "notebooks/staff.ipynb",
        "voila/files/{grading}/source/contact/contact.ipynb",
        "voila/files/{grading}/gradebook.db",
        "voila/files/..%2Fgrading%2Fsource%2Fcontact%2Fcontact.ipynb",
        "voila/render/dsl.ipynb",
        "voila/render/..%2F..%2Fnotebooks%2Fdsl.ipynb",
        "voila/render/setup.ipynb",
        "voila/render/..%2F..%2Fnotebooks%2Fsetup.ipynb",
        "voila/render/{home}/esafety.db",
    ],
)
def test_server_does_not_serve_the_database_or_notebook_source(server, path):
    _, email, code = server.learner("leak.check")
    db_path = quote(str(server.home / "esafety.db").lstrip("/"))
    grading_path = quote(str(server.home / "grading").lstrip("/"))
    home = quote(str(server.home).lstrip("/"))
    status, body = server.get(path.format(db_path=db_path, grading=grading_path, home=home))
    for secret in (SQLITE_HEADER, NOTEBOOK_SOURCE, HIDDEN_TESTS, email.encode(), code.encode()):
        assert secret not in body, f"GET /{path} gave {status} with {secret!r} in it"
    assert status != 200, f"GET /{path} answered 200 ({len(body)} bytes)"


def test_rendered_page_holds_no_notebook_source(server):
    status, body = server.get("voila/render/staff.ipynb", timeout=RENDER_TIMEOUT_MS / 1000)
    assert status == 200
    assert b"Sign in" in body or b"application/vnd.jupyter.widget-view+json" in body
    assert NOTEBOOK_SOURCE not in body and b"staff_app()" not in body
    assert SQLITE_HEADER not in body


# --- 5. focus follows the view, so keyboard users need not Tab from the top --------------


def test_focus_moves_into_each_new_view(page, server, catalogue):
    """After each screen change, is keyboard focus on the first thing to act on?"""
    _, email, code = server.learner("focus")
    scenario = catalogue.scenarios[SCENARIO].for_school(catalogue.profile(SCHOOL))
    open_sign_in(page, server)
    sign_in_with_mouse(page, email, code)
    first_module = catalogue.modules_for("teacher")[0]
    first_scenario = catalogue.scenarios_in(first_module.id)[0].for_school(
        catalogue.profile(SCHOOL)
    )
    expect(
        page.get_by_role("button", name=f"Start: {first_scenario.title} (not started)")
    ).to_be_focused(timeout=STEP_TIMEOUT_MS)
    page.keyboard.press("Escape")
    start_button(page).focus()
    page.keyboard.press("Enter")
    first = scenario.steps[scenario.start].choices[0]
    expect(button(page, first.label)).to_be_focused(timeout=STEP_TIMEOUT_MS)
    page.keyboard.press("Enter")
    onward = "Continue" if first.next else "Finish and see your summary"
    expect(button(page, onward)).to_be_focused(timeout=STEP_TIMEOUT_MS)


# --- 6. one scenario of every module, played in the browser -----------------------------


def test_one_scenario_of_each_module_plays_to_its_summary(page, server, catalogue):
    """Can a learner play a scenario of every module to the end, with each choice saved?"""
    learner_id, email, code = server.learner("modules")
    open_sign_in(page, server)
    sign_in_with_mouse(page, email, code)
    profile = catalogue.profile(SCHOOL)
    played = []
    for module in catalogue.modules_for("teacher"):
        scenario = catalogue.scenarios_in(module.id)[0].for_school(profile)
        page.get_by_role("button", name=f"Start: {scenario.title} (not started)").click()
        step_id = scenario.start
        while True:
            choices = scenario.steps[step_id].choices
            index = next(i for i, c in enumerate(choices) if c.outcome == "safe")
            button(page, choices[index].label).click()
            expect(page.get_by_role("status")).to_contain_text(OUTCOME_TEXT["safe"])
            following = choices[index].next
            button(page, "Continue" if following else "Finish and see your summary").click()
            if following is None or not scenario.steps[following].choices:
                break  # an ending step's text shows on the summary
            step_id = following
        expect(page.get_by_text("Your score is 100%")).to_be_visible()
        played.append(scenario.id)
        button(page, "Back to my modules").first.click()
        expect(page.locator("h1", has_text="Your training")).to_be_visible()
    store = Store(server.db_url)
    done = {a["scenario_id"] for a in store.attempts_for(learner_id) if a["completed_at"]}
    assert done == set(played) and len(played) == len(catalogue.modules)


# --- 7. a module quiz: fail, retry with new questions, pass, module complete -------------


def answer_quiz_in_page(page: Page, server, catalogue, learner_id: int, right: bool) -> None:
    """Answer the quiz on screen, by the key or against it, using the draw the store saved."""
    module = "contact"
    version = catalogue.quiz_version(module, SCHOOL)
    bank = catalogue.quizzes[module].for_school(catalogue.profile(SCHOOL))
    expect(page.get_by_role("button", name="Submit my answers")).to_be_visible()
    _, spec = Store(server.db_url).open_quiz(learner_id, module, version)
    for slot, item in enumerate(spec, 1):
        question = bank.question(item["id"])
        key = set(question.correct_ids())
        wanted = key if right else {next(o.id for o in question.options if o.id not in key)}
        box = page.locator(f".esafety-question-{slot}")
        role = "checkbox" if question.kind == "multiple" else "radio"
        for option_id in wanted:
            box.get_by_role(role, name=squash(question.option(option_id).text), exact=True).check()
    page.get_by_label("Reflection", exact=True).fill("I would screenshot it and tell the DSL.")
    button(page, "Submit my answers").click()


def test_quiz_fail_retry_pass_completes_the_module(page, server, catalogue):
    """Failing, retrying and passing a quiz in the browser: is the module complete in the store?"""
    from toolkit.school.progress import module_progress

    learner_id, email, code = server.learner("quizzer")
    store = Store(server.db_url)
    for scenario in catalogue.scenarios_in("contact"):
        attempt = store.start_attempt(
            learner_id, scenario.id, catalogue.version(scenario.id, SCHOOL)
        )
        store.complete_attempt(attempt, 100)
    open_sign_in(page, server)
    sign_in_with_mouse(page, email, code)
    title = catalogue.modules["contact"].title
    page.get_by_role("button", name=f"Take the quiz: {title}", exact=True).click()
    expect(page.get_by_role("button", name="Submit my answers")).to_be_visible()
    shown = page.content()
    bank = catalogue.quizzes["contact"].for_school(catalogue.profile(SCHOOL))
    assert not [
        o.feedback for q in bank.questions for o in q.options if squash(o.feedback) in squash(shown)
    ]
    assert "_key" not in shown and "correct" not in shown.lower()
    answer_quiz_in_page(page, server, catalogue, learner_id, right=False)
    expect(page.get_by_text("Marking your answers")).to_be_visible()
    expect(page.get_by_text("Your score is 0%.")).to_be_visible(timeout=RENDER_TIMEOUT_MS)
    button(page, "Try again with new questions").click()
    answer_quiz_in_page(page, server, catalogue, learner_id, right=True)
    expect(page.get_by_text("Your score is 100%. You passed.")).to_be_visible(
        timeout=RENDER_TIMEOUT_MS
    )
    learner = store.learner(learner_id)
    contact = next(
        p
        for p in module_progress(store, School.resolve(catalogue, SCHOOL), learner)
        if p.module.id == "contact"
    )
    assert contact.complete and contact.quiz.attempts == 2
    button(page, "Back to my modules").click()
    expect(page.get_by_text("Quiz: passed (100%)")).to_be_visible()


# --- where feedback comes from: the school's clauses, or silence and national guidance ------


def test_feedback_labels_its_sources_and_says_why_each_applies(page, server, catalogue, tmp_path):
    """After a choice on which the school's policy is silent, does the page say so and quote
    national guidance, labelled with its document and paragraph and why it applies; after a
    choice its policy covers, is each clause labelled "Your policy" with why it applies? And
    does axe find nothing serious in either?"""
    profile = catalogue.profile(SCHOOL)
    silent = next(
        (s, i)
        for s in (x.for_school(profile) for x in catalogue.scenarios.values())
        for i, c in enumerate(s.steps[s.start].choices)
        if SCHOOL in c.silent and s.module == "contact"
    )
    scenario, index = silent
    choice = scenario.steps[scenario.start].choices[index]
    _, email, code = server.learner("sources")
    open_sign_in(page, server)
    sign_in_with_mouse(page, email, code)
    page.get_by_role("button", name=re.compile(rf"^Start: {re.escape(scenario.title)} ")).click()
    button(page, choice.label).click()
    status = page.get_by_role("status")
    expect(status).to_contain_text(OUTCOME_TEXT[choice.outcome])
    text = squash(page.locator("main").inner_text())
    assert f"Your school's {profile.policy.title} says nothing about this" in text
    assert "National guidance applies instead." in text and "What national guidance says" in text
    for ref in choice.guidance:
        document = catalogue.guidance[ref.source]
        paragraph = document.paragraph(ref.item)
        assert (
            f"National guidance: {document.title} ({document.short}), {paragraph.cite_as}" in text
        )
        assert squash(f"Why it applies: {ref.why}") in text
    assert "Your policy:" not in text
    page.screenshot(path=tmp_path / "silent-with-guidance.png", full_page=True)
    serious = axe_findings(page, "feedback with national guidance")

    button(page, "Back to my modules").first.click()
    own = catalogue.scenarios[SCENARIO].for_school(profile)
    first = own.steps[own.start].choices[0]
    start_button(page).click()
    button(page, first.label).click()
    expect(page.get_by_role("status")).to_contain_text(OUTCOME_TEXT[first.outcome])
    text = squash(page.locator("main").inner_text())
    assert text.count("Your policy:") == len(first.cites) > 0
    for cite in first.cites:
        assert squash(f"Why it applies: {cite.why}") in text
    page.screenshot(path=tmp_path / "own-policy.png", full_page=True)
    serious += axe_findings(page, "feedback with the school's clauses")
    assert not serious, "serious or critical accessibility findings:\n" + "\n".join(serious)
