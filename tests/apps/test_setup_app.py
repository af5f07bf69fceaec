"""The setup page, driven in plain Python: the DSL confirms an imported policy's settings and
citations by setting widgets' values and clicking, and the school's files change at once."""

from __future__ import annotations

from datetime import date

import ipywidgets as w
import pytest

from tests.apps import imported_school
from tests.apps.imported_school import HOSTILE, SCENARIO, SCHOOL_ID
from toolkit import settings
from toolkit.apps import launch
from toolkit.apps.dsl import DslApp
from toolkit.apps.page import widget_tree
from toolkit.apps.setup import SetupApp
from toolkit.content import imported
from toolkit.content.school_setup import QUESTIONS
from toolkit.content.strict_yaml import read_yaml
from toolkit.store import SCHOOL_KEY, Store


@pytest.fixture
def schools(tmp_path, catalogue):
    folder = tmp_path / "schools"
    imported_school.write(folder, catalogue)
    return folder


@pytest.fixture
def app(schools, catalogue):
    return SetupApp(schools, catalogue)


def files(schools, school_id=SCHOOL_ID) -> dict[str, str]:
    folder = schools / school_id
    return {
        path.name: path.read_text(encoding="utf-8")
        for path in (folder / imported.REVIEW, imported.profile_file(folder))
    }


def review(schools, school_id=SCHOOL_ID) -> imported.PolicyReview:
    return imported.read_review(schools / school_id)


def profile_settings(schools) -> dict:
    path = imported.profile_file(schools / SCHOOL_ID)
    return read_yaml(path.read_text(encoding="utf-8"), path.name)["settings"]


def confirm_button(box: w.Box) -> w.Button:
    return next(child for child in box.children if isinstance(child, w.Button))


def page_text(app: SetupApp) -> str:
    """Everything the page shows in words: its HTML, labels, options and descriptions."""
    shown = []
    for widget in widget_tree([app.root]).values():
        if isinstance(widget, w.HTML):
            shown.append(widget.value)
        for name in ("description", "_options_labels"):
            value = getattr(widget, name, "")
            shown.extend(value if isinstance(value, tuple) else [value])
    return "\n".join(map(str, shown))


# --- which school ------------------------------------------------------------------------


def test_with_no_school_imported_the_page_says_how_to_import_one(tmp_path, catalogue):
    """With nothing imported, does the page say what to run, rather than show nothing?"""
    app = SetupApp(tmp_path / "schools", catalogue)
    text = page_text(app)
    assert "esafety policy import FILE --id ID" in text
    assert "nothing to set up" in text


def test_with_several_schools_a_dropdown_puts_the_current_one_first(schools, catalogue):
    """With two imported schools, is there a choice of school, the store's current one first,
    and does choosing the other show its settings?"""
    imported_school.write(schools, catalogue, "acorn-infants", "Acorn Infant School")
    app = SetupApp(schools, catalogue, current=SCHOOL_ID)
    assert app.school_picker.options == (SCHOOL_ID, "acorn-infants")
    assert app.school_picker in app.body.children
    app.school_picker.value = "acorn-infants"
    confirm_button(app.rows["dsl"].box).click()
    assert review(schools, "acorn-infants").settings["dsl"].confirmed
    assert not review(schools).settings["dsl"].confirmed


def test_with_one_school_there_is_no_school_dropdown(app):
    assert app.school_picker not in app.body.children


# --- Part 1: the settings ------------------------------------------------------------------


def test_each_setting_shows_its_question_value_evidence_and_silence(app):
    """Does each setting show its question, its value as a sentence or as text, the clauses
    quoted with section and id, and where the policy is silent, that national guidance applies?"""
    text = page_text(app)
    assert "Your policy's answers" in text and "Which clauses support each point" in text
    row = app.rows["parents_as_friends"]
    assert (
        isinstance(row.field, w.Dropdown)
        and row.field.label == (QUESTIONS["parents_as_friends"].options["be_cautious"])
    )
    assert isinstance(app.rows["pass_mark"].field, w.Text)
    assert app.rows["pass_mark"].field.value == "80"
    about = row.box.children[0].value
    assert "2. Personal accounts, clause accounts-3:" in about
    assert "[Staff must not] discuss pupils or parents online." in about
    silent = app.rows["pupil_relatives"].box.children[0].value
    assert "Your policy says nothing on this: the national-guidance answer applies." in silent
    chosen = app.rows["pass_mark"].box.children[0].value
    assert "Your school's choice" in chosen and "national-guidance" not in chosen
    assert "18</strong> settings are left to confirm" in app.settings_left.value


def test_confirming_a_setting_saves_it_at_once(app, schools):
    """Does Confirm save the answer as shown, confirmed, and count one fewer left?"""
    row = app.rows["parents_as_friends"]
    row.field.value = "must_not"
    confirm_button(row.box).click()
    saved = review(schools).settings["parents_as_friends"]
    assert saved.value == "must_not" and saved.confirmed
    assert profile_settings(schools)["parents_as_friends"] == "must_not"
    assert "Confirmed." in row.state.value
    assert "17</strong> settings are left" in app.settings_left.value


def test_a_bad_value_says_why_beside_it_and_saves_nothing(app, schools):
    """Does a pass mark of "lots" give a message next to it, with both files unchanged?"""
    before = files(schools)
    row = app.rows["pass_mark"]
    row.field.value = "lots"
    confirm_button(row.box).click()
    assert 'role="alert"' in row.state.value
    assert "Not saved: this answer is a whole number, not &#39;lots&#39;." in row.state.value
    assert "To confirm." in row.state.value
    assert files(schools) == before
    row.field.value = "150"
    confirm_button(row.box).click()
    assert "Not saved: this answer cannot be &#39;150&#39;" in row.state.value
    assert files(schools) == before
    row.field.value = " 70 "
    confirm_button(row.box).click()
    assert row.field.value == "70" and profile_settings(schools)["pass_mark"] == 70


def test_a_double_click_saves_the_same_as_one_click(app, schools, catalogue):
    """Do two clicks on Confirm leave the files just as one click does?"""
    row = app.rows["dsl"]
    row.field.value = "the DSL"
    confirm_button(row.box).click()
    once = files(schools)
    confirm_button(row.box).click()
    assert files(schools) == once
    assert app.alert.value == ""


def test_confirm_all_saves_nothing_while_one_is_wrong_then_all(app, schools):
    """Does "Confirm all as shown" save no answer while one is wrong, say which, then, once it
    is put right, confirm every setting and give the next step?"""
    before = files(schools)
    app.rows["refresher_months"].field.value = "0"
    app.confirm_all.click()
    assert files(schools) == before
    assert "Nothing was saved" in app.alert.value
    assert "this answer cannot be &#39;0&#39;" in app.rows["refresher_months"].state.value
    assert app.rows["dsl"].state.value.count("alert") == 0
    app.rows["refresher_months"].field.value = "24"
    app.confirm_all.click()
    assert review(schools).unconfirmed_settings == []
    assert profile_settings(schools)["refresher_months"] == 24
    assert f"esafety init --school {SCHOOL_ID}" in app.settings_left.value


# --- Part 2: the citations -----------------------------------------------------------------


def open_scenario(app: SetupApp, unit: str = SCENARIO):
    app.unit_picker.value = unit
    return app.point_rows


def test_the_scenario_list_counts_points_left_and_nothing_is_pre_ticked(app):
    """Does each scenario and quiz say how many points are left, and does a point show its
    proposed clauses quoted, none ticked, with "No clause of our policy applies"?"""
    labels = dict((value, label) for label, value in app.unit_picker.options)
    assert labels[SCENARIO] == "Scenario: A friend request from a pupil (18 of 18 left to review)"
    assert labels["quiz/contact"].startswith("Quiz: Contact with pupils and families: quiz (10 of")
    assert "0 of 464</strong> points reviewed" in app.points_left.value
    assert "A friend request from a pupil: 18" in app.points_left.value
    assert "never another school's words" in page_text(app)
    first = open_scenario(app)[0]
    assert list(first.clauses) == ["purpose-2", "accounts-1"]
    assert not any(box.value for box in first.clauses.values()) and not first.none.value
    label = first.clauses["accounts-1"].description
    assert (
        label
        == "“Staff should set their accounts to private.” (2. Personal accounts, clause accounts-1)"
    )
    assert first.none.description == "No clause of our policy applies"
    assert "Not reviewed yet." in first.head.value


def test_confirming_a_point_saves_the_ticked_clauses_and_counts_it(app, schools):
    row = open_scenario(app)[1]
    row.clauses["accounts-1"].value = True
    confirm_button(row.box).click()
    key = row.point.key
    assert review(schools).citations[key].confirmed == ["accounts-1"]
    assert "Confirmed:</strong> accounts-1" in row.head.value
    assert "1 of 464</strong> points reviewed" in app.points_left.value
    assert app.unit_picker.value == SCENARIO  # the relabelled list keeps the scenario chosen
    assert app.unit_picker.label.endswith("(17 of 18 left to review)")
    once = files(schools)
    confirm_button(row.box).click()  # a double-click: the same again
    assert files(schools) == once


def test_none_applies_and_a_point_ticked_both_ways_or_neither(app, schools):
    """Is "none applies" saved as [], and are a point with nothing ticked, or with clauses and
    "none" both ticked, refused with a message and nothing saved?"""
    row = open_scenario(app)[2]
    before = files(schools)
    confirm_button(row.box).click()
    assert "tick the clauses that support this point" in row.head.value
    row.none.value = True
    row.clauses["purpose-2"].value = True
    confirm_button(row.box).click()
    assert "untick one or the other" in row.head.value
    assert files(schools) == before
    row.clauses["purpose-2"].value = False
    confirm_button(row.box).click()
    assert review(schools).citations[row.point.key].confirmed == []
    assert "no clause of your policy applies" in row.head.value


def test_a_confirmed_point_shows_as_confirmed_and_can_be_changed(schools, catalogue):
    """Opened again, does a confirmed point show its clauses ticked, and can it be changed?"""
    first = open_scenario(SetupApp(schools, catalogue))[0]
    first.clauses["purpose-2"].value = True
    confirm_button(first.box).click()
    again = open_scenario(SetupApp(schools, catalogue))[0]
    assert again.clauses["purpose-2"].value and not again.clauses["accounts-1"].value
    assert "Confirmed:</strong> purpose-2" in again.head.value
    again.clauses["accounts-1"].value = True
    confirm_button(again.box).click()
    assert review(schools).citations[first.point.key].confirmed == ["purpose-2", "accounts-1"]


def test_two_tabs_do_not_undo_each_others_confirmations(schools, catalogue):
    """With the page open in two tabs, does a confirmation in one survive a save in the other?"""
    one, two = SetupApp(schools, catalogue), SetupApp(schools, catalogue)
    confirm_button(one.rows["dsl"].box).click()
    row = open_scenario(two)[0]
    row.clauses["purpose-2"].value = True
    confirm_button(row.box).click()
    confirm_button(two.rows["headteacher"].box).click()
    saved = review(schools)
    assert saved.settings["dsl"].confirmed and saved.settings["headteacher"].confirmed
    assert saved.citations[row.point.key].confirmed == ["purpose-2"]
    assert "16</strong> settings are left" in two.settings_left.value


def test_a_hostile_clause_is_shown_as_text_never_as_markup(app):
    """Is a clause holding <script> escaped wherever the page quotes it?"""
    about = app.rows["parents_as_friends"].box.children[0].value
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in about
    rows = open_scenario(app, "quiz/contact")
    assert HOSTILE in rows[0].clauses["parents-2"].description  # a label's text, not HTML
    assert not rows[0].clauses["parents-2"].description_allow_html
    assert all(
        HOSTILE not in getattr(x, "value", "")
        for x in widget_tree([app.root]).values()
        if isinstance(x, w.HTML)
    )


# --- how the page is reached -------------------------------------------------------------


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("ESAFETY_HOME", str(tmp_path))
    monkeypatch.delenv("ESAFETY_DATABASE_URL", raising=False)
    monkeypatch.setattr(launch, "configure_logging", lambda: None)
    return tmp_path


def test_the_setup_page_opens_before_init_and_lists_the_imported_school(home, catalogue):
    """Does setup_app() open on an imported school with no store yet, and say how to import
    one when there is none?"""
    assert "esafety policy import FILE --id ID" in page_text_of(launch.setup_app())
    imported_school.write(settings.schools_root(), catalogue)
    shown = page_text_of(launch.setup_app())
    assert "Oakfield Primary School: set up your policy" in shown
    assert not (home / "esafety.db").exists()


def page_text_of(root: w.Widget) -> str:
    return "\n".join(str(x.value) for x in widget_tree([root]).values() if isinstance(x, w.HTML))


def test_the_dsl_page_links_to_the_setup_page_once_a_policy_is_imported(store, school):
    """Does the DSL's page link to setup.ipynb when a school is imported, and not before?"""
    assert "setup.ipynb" not in page_text_of(DslApp(store, school, today=date.today).root)
    with_link = DslApp(store, school, today=date.today, imported=[SCHOOL_ID]).root
    assert 'href="setup.ipynb"' in page_text_of(with_link)


def test_the_page_opens_on_the_school_the_store_is_set_up_for(home, catalogue):
    """With two schools imported, does the page open on the store's school, not the first id?"""
    imported_school.write(settings.schools_root(), catalogue, "acorn-infants", "Acorn Infants")
    imported_school.write(settings.schools_root(), catalogue)
    assert "Acorn Infants: set up" in page_text_of(launch.setup_app())
    store = Store(settings.database_url())
    store.set_meta(SCHOOL_KEY, SCHOOL_ID)
    store.close()
    assert "Oakfield Primary School: set up" in page_text_of(launch.setup_app())


def test_a_confirmation_re_ranks_the_points_not_yet_reviewed(app, schools):
    """Once points are confirmed, are the proposals of the points not yet reviewed ranked again
    with them (the next scenario drawn shows them), the reviewed points' lists kept, and does
    the same confirmation again change nothing?"""
    before = review(schools).citations
    rows = open_scenario(app)
    for row in rows:
        row.clauses["accounts-1"].value = True
        confirm_button(row.box).click()
    after = review(schools).citations
    reviewed = {row.point.key for row in rows}
    left = [key for key in after if key not in reviewed]
    assert sum("accounts-1" in after[k].proposed for k in left) > sum(
        "accounts-1" in before[k].proposed for k in left
    )
    quiz = open_scenario(app, "quiz/contact")
    assert [list(r.clauses) for r in quiz] == [after[r.point.key].proposed for r in quiz]
    quiz[0].clauses["purpose-2"].value = True
    confirm_button(quiz[0].box).click()
    kept = review(schools).citations
    assert all(kept[key].proposed == after[key].proposed for key in reviewed)
    once = files(schools)
    confirm_button(quiz[0].box).click()
    assert files(schools) == once
