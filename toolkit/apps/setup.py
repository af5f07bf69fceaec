"""The setup page: the DSL confirms what was read from the school's imported policy, each
setting's answer and the clauses that support each teaching point, without writing any YAML.

The rules are toolkit.content.school_setup's; this page only renders them. Each click reads the
school's files afresh, makes one change and saves it at once (under a lock), so a double-click
or a second tab never undoes a confirmation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as w

from toolkit.apps.page import Page, action_button, close_widgets
from toolkit.apps.words import say
from toolkit.content import imported
from toolkit.content.points import Point, points
from toolkit.content.policy_settings import CHOSEN_BY_SCHOOL
from toolkit.content.school_setup import Answer, Setup, SetupError, editing
from toolkit.html import fragment

TEMPLATE = "apps/setup.html.j2"

SETUP_CSS = """
<style>
.esafety-setup .esafety-setting, .esafety-setup .esafety-point {
  border-left: 6px solid #4a4a4a; padding: 0 0 0.5rem 1rem; margin: 0.75rem 0;
}
.esafety-setup .esafety-confirmed { border-left-color: #1e6b30; }
.esafety-setup .widget-dropdown, .esafety-setup .widget-text { width: 100%; height: auto; }
.esafety-setup .widget-dropdown select, .esafety-setup .widget-text input {
  font-size: 1.05rem; height: 2.5rem; border: 1px solid #555;
}
.esafety-setup .widget-dropdown > label, .esafety-setup .widget-text > label {
  font-size: 1.05rem; height: 2.5rem; line-height: 2.5rem;
}
.esafety-setup .esafety-state { margin: 0.25rem 0; }
</style>
"""
FIT = {"width": "max-content", "max_width": "100%"}
WORDS_SHOWN = 300  # a point's words are cut after this many characters
CONTEXT = 160  # and the start of its step's words, which say what the choice answers


@dataclass
class SettingRow:
    """One setting's widgets: the answer as shown, its state and its Confirm button."""

    answer: Answer
    field: w.Dropdown | w.Text
    state: w.HTML
    box: w.VBox


@dataclass
class PointRow:
    """One teaching point's widgets: its words, a checkbox per clause, "none applies"."""

    point: Point
    number: int
    head: w.HTML
    clauses: dict[str, w.Checkbox]
    none: w.Checkbox
    box: w.VBox


class SetupApp(Page):
    """Part 1 confirms each setting's answer, Part 2 the clauses behind each teaching point."""

    name = "setup page"
    kept = say("setup.kept")

    def __init__(self, schools: Path, catalogue, current: str | None = None):
        super().__init__(SETUP_CSS, "esafety-setup")
        self.schools, self.catalogue = schools, catalogue
        ids = [folder.name for folder in imported.folders(schools)]
        ids.sort(key=lambda school_id: school_id != current)  # the store's school first
        if not ids:
            title = say("launch.setup_title")
            self.show([w.HTML(fragment(TEMPLATE, "none_imported", title=title))])
            return
        self.school_picker = w.Dropdown(
            description=say("setup.school"), options=ids, layout=w.Layout(width="100%")
        )
        self.school_picker.observe(self.when_changed(self.open_school), names="value")
        self.open_school()

    def when_changed(self, handler: Callable[[], None]) -> Callable:
        guarded = self.guarded(handler)
        return lambda _change: guarded()

    # --- the school -----------------------------------------------------------------------

    @property
    def school_id(self) -> str:
        return self.school_picker.value

    def open_school(self) -> None:
        self.setup = Setup(self.schools, self.school_id)
        review, profile = self.setup.review, self.setup.profile
        self.rows = {a.question.name: self.setting_row(a) for a in self.setup.answers()}
        self.settings_left = w.HTML()
        self.confirm_all = self.on_click(
            action_button(say("setup.confirm_all"), primary=True), self.answer_all
        )
        self.confirm_all.layout = w.Layout(**FIT)
        self.units = self.teaching_units()
        self.points_left = w.HTML()
        self.unit_picker = w.Dropdown(description=say("setup.unit"), layout=w.Layout(width="100%"))
        self.unit_picker.style.description_width = "9em"
        self.relabelling = False
        self.unit_picker.observe(self.when_changed(self.open_unit), names="value")
        self.unit_box = w.VBox()
        title = fragment(
            TEMPLATE,
            "title",
            school=profile.name,
            policy=profile.policy.title,
            source=review.source,
            imported=review.imported,
        )
        self.show(
            [
                *([self.school_picker] if len(self.school_picker.options) > 1 else []),
                w.HTML(title),
                w.HTML(fragment(TEMPLATE, "settings_heading")),
                self.settings_left,
                self.confirm_all,
                *(row.box for row in self.rows.values()),
                w.HTML(fragment(TEMPLATE, "citations_heading")),
                self.points_left,
                self.unit_picker,
                self.unit_box,
            ]
        )
        self.show_counts()
        self.open_unit()

    def change(self, make: Callable[[Setup], None]) -> None:
        """Make one change on the school's files as they are now, and save it at once."""
        with editing(self.schools, self.school_id, self.catalogue) as setup:
            make(setup)
        self.setup = setup

    # --- Part 1: the settings ---------------------------------------------------------------

    def setting_row(self, answer: Answer) -> SettingRow:
        question = answer.question
        if question.options:
            options = [(sentence, value) for value, sentence in question.options.items()]
            if answer.value not in question.options:
                options.append((str(answer.value), answer.value))
            field = w.Dropdown(options=options, value=answer.value)
        else:
            field = w.Text(value=str(answer.value), continuous_update=False)
        field.description, field.tooltip = say("setup.answer"), question.ask
        field.layout = w.Layout(width="100%")
        state = w.HTML()
        confirm = action_button(say("setup.confirm"))
        confirm.layout = w.Layout(**FIT)
        about = fragment(
            TEMPLATE,
            "setting",
            ask=question.ask,
            evidence=answer.evidence,
            silent=answer.silent,
            schools_choice=question.name in CHOSEN_BY_SCHOOL,
        )
        box = w.VBox([w.HTML(about), field, state, confirm])
        box.add_class("esafety-setting")
        box.add_class(f"esafety-setting-{question.name.replace('_', '-')}")
        row = SettingRow(answer, field, state, box)
        self.on_click(confirm, lambda: self.answer_one(row))
        self.show_setting(row, answer.confirmed)
        return row

    def show_setting(self, row: SettingRow, confirmed: bool, message: str = "") -> None:
        row.state.value = fragment(TEMPLATE, "setting_state", confirmed=confirmed, message=message)
        if confirmed:
            row.box.add_class("esafety-confirmed")
        else:
            row.box.remove_class("esafety-confirmed")

    def answer_one(self, row: SettingRow) -> None:
        name = row.answer.question.name
        try:
            self.change(lambda setup: setup.answer(name, row.field.value))
        except SetupError as err:
            self.show_setting(row, self.confirmed(name), self.refusal(name, err))
            return
        self.show_saved(row)
        self.show_counts()

    def answer_all(self) -> None:
        """Confirm every answer as shown; if any is wrong, say which and save none."""
        bad: dict[str, str] = {}

        def answer_each(setup: Setup) -> None:
            for name, row in self.rows.items():
                try:
                    setup.answer(name, row.field.value)
                except SetupError as err:
                    bad[name] = self.refusal(name, err)
            if bad:
                raise SetupError(say("setup.bad_values", count=len(bad)))

        try:
            self.change(answer_each)
        except SetupError as err:
            self.show_alert(str(err))
            self.setup = Setup(self.schools, self.school_id)
        for name, row in self.rows.items():
            if bad:
                self.show_setting(row, self.confirmed(name), bad.get(name, ""))
            else:
                self.show_saved(row)
        self.show_counts()

    def show_saved(self, row: SettingRow) -> None:
        """The answer as saved (a number's spaces trimmed, say), confirmed."""
        saved = self.setup.review.settings[row.answer.question.name].value
        row.field.value = saved if isinstance(row.field, w.Dropdown) else str(saved)
        self.show_setting(row, True)

    @staticmethod
    def refusal(name: str, err: SetupError) -> str:
        """Why a value was refused, shown beside its question: the setting's own name, which
        the command line needs, is "this answer" here."""
        reason = str(err)
        if reason.startswith(f"{name} "):
            reason = say("setup.this_answer") + reason[len(name) :]
        return say("setup.bad_value", reason=reason)

    def confirmed(self, name: str) -> bool:
        return self.setup.review.settings[name].confirmed

    # --- Part 2: the citations --------------------------------------------------------------

    def teaching_units(self) -> dict[str, tuple[str, list[Point]]]:
        """The scenarios, then the quizzes, each with its title and the points under review."""
        units: dict[str, tuple[str, list[Point]]] = {}
        for point in points(self.catalogue):
            if point.key not in self.setup.review.citations:
                continue  # content added since the import: `esafety policy import --update`
            unit = point.unit
            if unit not in units:
                quiz = unit.startswith("quiz/")
                kind = self.catalogue.quizzes if quiz else self.catalogue.scenarios
                units[unit] = (kind[unit.removeprefix("quiz/")].title, [])
            units[unit][1].append(point)
        return units

    def left(self, unit: str) -> int:
        citations = self.setup.review.citations
        return sum(citations[p.key].confirmed is None for p in self.units[unit][1])

    def show_counts(self) -> None:
        """The settings and points left, in the headings and the scenario and quiz picker."""
        self.settings_left.value = fragment(
            TEMPLATE,
            "settings_left",
            left=len(self.setup.review.unconfirmed_settings),
            school_id=self.school_id,
        )
        total = sum(len(found) for _, found in self.units.values())
        left = {unit: self.left(unit) for unit in self.units}
        self.points_left.value = fragment(
            TEMPLATE,
            "points_left",
            reviewed=total - sum(left.values()),
            total=total,
            left=[(self.units[u][0], n) for u, n in left.items() if n],
        )
        options = [
            (
                say(
                    "setup.quiz_option" if unit.startswith("quiz/") else "setup.scenario_option",
                    title=title,
                    left=left[unit],
                    total=len(found),
                ),
                unit,
            )
            for unit, (title, found) in self.units.items()
        ]
        chosen = self.unit_picker.value
        self.relabelling = True  # new labels, the same choice: not a new scenario to show
        try:
            self.unit_picker.options = options
            if chosen is not None:
                self.unit_picker.value = chosen
        finally:
            self.relabelling = False

    def open_unit(self) -> None:
        if self.relabelling or self.unit_picker.value is None:
            return
        found = self.units[self.unit_picker.value][1]
        self.point_rows = [self.point_row(point, i) for i, point in enumerate(found, 1)]
        old, self.unit_box.children = self.unit_box.children, [r.box for r in self.point_rows]
        close_widgets(old, keep=self.root)  # the last scenario's, so none stays in the kernel

    def point_row(self, point: Point, number: int) -> PointRow:
        review = self.setup.review.citations[point.key]
        clauses = {c.id: c for c in self.setup.profile.clauses}
        shown = list(dict.fromkeys([*review.proposed, *(review.confirmed or [])]))
        boxes = {
            clause_id: self.option(
                say(
                    "setup.clause_option",
                    section=clauses[clause_id].section,
                    id=clause_id,
                    quote=clauses[clause_id].quoted,
                ),
                clause_id in (review.confirmed or []),
            )
            for clause_id in shown
            if clause_id in clauses
        }
        none = self.option(say("setup.none_applies"), review.confirmed == [])
        confirm = action_button(say("setup.confirm_point"))
        confirm.layout = w.Layout(**FIT)
        head = w.HTML()
        box = w.VBox([head, *boxes.values(), none, confirm])
        box.add_class("esafety-point")
        row = PointRow(point, number, head, boxes, none, box)
        self.on_click(confirm, lambda: self.confirm_point(row))
        self.show_point(row)
        return row

    @staticmethod
    def option(label: str, ticked: bool) -> w.Checkbox:
        box = w.Checkbox(value=ticked, description=label, indent=False, layout={"width": "100%"})
        box.add_class("esafety-option")
        return box

    def show_point(self, row: PointRow, message: str = "") -> None:
        confirmed = self.setup.review.citations[row.point.key].confirmed
        row.head.value = fragment(
            TEMPLATE,
            "point",
            number=row.number,
            where=self.where(row.point),
            context=self.context(row.point),
            words=self.words(row.point),
            state=confirmed,
            clauses=row.clauses,
            message=message,
        )
        if confirmed is None:
            row.box.remove_class("esafety-confirmed")
        else:
            row.box.add_class("esafety-confirmed")

    def confirm_point(self, row: PointRow) -> None:
        ticked = [clause_id for clause_id, box in row.clauses.items() if box.value]
        if ticked and row.none.value:
            self.show_point(row, say("setup.both_ticked"))
            return
        if not ticked and not row.none.value:
            self.show_point(row, say("setup.tick_something"))
            return
        self.change(lambda setup: setup.confirm(row.point.key, ticked))
        self.show_point(row)
        self.show_counts()

    @staticmethod
    def where(point: Point) -> str:
        parts = point.key.split("/")
        if parts[0] == "quiz":
            return say("setup.where_question", question=parts[2])
        return say("setup.where_choice", step=parts[1], number=int(parts[2]) + 1)

    def context(self, point: Point) -> str:
        """What a choice answers: the start of its step's words (a question stands alone)."""
        scenario_id, step_id, *_ = point.key.split("/")
        if scenario_id == "quiz":
            return ""
        return self.shown(self.catalogue.scenarios[scenario_id].steps[step_id].text, CONTEXT)

    def words(self, point: Point) -> str:
        """The choice's or question's own words, as this school's staff would read them."""
        return self.shown(getattr(point.item, "label", None) or point.item.text, WORDS_SHOWN)

    def shown(self, text: str, most: int) -> str:
        try:
            text = self.setup.profile.render(text)
        except Exception:  # a setting's value the template cannot take: its words as written
            pass
        text = " ".join(text.split())
        return text if len(text) <= most else text[: most - 1].rstrip() + "…"
