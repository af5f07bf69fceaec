"""The classroom app: a SMART lesson on the whiteboard, class results recorded as counts only."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date

import ipywidgets as w

from toolkit.apps.page import SignInApp, action_button, escape, paragraphs
from toolkit.content import (
    LETTER_NAMES,
    Card,
    CardSort,
    Lesson,
    RealOrFake,
    Vote,
    WhatNext,
)
from toolkit.dates import long_date
from toolkit.engine import MAX_CLASS, LessonRun
from toolkit.school.school import School
from toolkit.store import SchoolClass, Store

BOARD_CSS = """
<style>
.esafety.esafety-board { max-width: none; width: 100%; font-size: 1.6rem; color: #000; background: #fff; }
.esafety.esafety-board .widget-html-content { font-size: 1.6rem; line-height: 1.45; }
.esafety.esafety-board h1 { font-size: 2.6rem; }
.esafety.esafety-board h2 { font-size: 2rem; }
.esafety.esafety-board .jupyter-button.esafety-action { font-size: 1.5rem; min-height: 3.5rem; }
.esafety.esafety-board .widget-label, .esafety.esafety-board .widget-dropdown select,
.esafety.esafety-board input, .esafety.esafety-board .widget-toggle-button {
  font-size: 1.4rem; height: auto; min-height: 2.6rem;
}
.esafety.esafety-board .widget-toggle-buttons .widget-toggle-button { width: auto; padding: 0.3rem 1rem; }
.esafety.esafety-board .esafety-right { border-left: 8px solid #1e6b30; background: #e8f5ea; padding: 0.3rem 1rem; }
.esafety.esafety-board .esafety-wrong { border-left: 8px solid #a11d21; background: #fdecea; padding: 0.3rem 1rem; }
.esafety.esafety-board .esafety-nav { display: flex; gap: 1rem; }
</style>
"""


class ClassroomApp(SignInApp):
    """The teacher signs in, picks a class and a lesson, runs it page by page and saves the
    class's result, recorded as theirs."""

    name = "classroom app"
    kept = "The lesson is where you left it."
    heading = "e-safety lessons"
    page = "classroom"
    sign_in_text = (
        "Sign in with your school email and the access code you were given, so the lessons "
        "you teach are recorded as yours."
    )

    def __init__(
        self,
        store: Store,
        school: School,
        today: Callable[[], date] = date.today,
        client_address: Callable[[], str] | None = None,
    ):
        super().__init__(
            store,
            school,
            today,
            BOARD_CSS,
            "esafety-board",
            client_address=client_address,
        )
        self.run: LessonRun | None = None
        self.school_class: SchoolClass | None = None
        self.delivery_id: int | None = None  # made by the first save, updated by the next
        self.show_sign_in()

    def signed_in(self) -> None:
        teacher = self.learner
        if all(t.id != teacher.id for t in self.store.teachers()):
            self.refuse(
                f"Lessons are recorded for teachers and support staff, and the roster lists you "
                f"as {teacher.role}. If that is wrong, tell {self.profile.settings.dsl}."
            )
            return
        self.show_setup()

    def forget(self) -> None:
        super().forget()
        self.run = self.school_class = self.delivery_id = None

    # --- choosing a class and a lesson ------------------------------------------------

    def show_setup(self) -> None:
        self.run = self.school_class = self.delivery_id = None
        classes = self.store.classes()
        heading = w.HTML(
            f"<h1>{escape(self.profile.name)}: {escape(self.heading)}</h1>"
            f"<p>Signed in as {escape(self.learner.name)}: the lessons you save are recorded "
            "as yours.</p>"
        )
        self.sign_out_button = self.on_click(action_button("Sign out"), self.sign_out)
        if not classes:
            self.show(
                [
                    heading,
                    w.HTML(
                        "<p>There are no classes yet. Ask the DSL or an administrator to add one, "
                        "for example: <code>esafety classes add 'Year 2 Oak' --band 5-7</code></p>"
                    ),
                    self.sign_out_button,
                ],
                focus=self.sign_out_button,
            )
            return
        # Layout and style made with the widget: one swapped in later would leave the first
        # unclosed in the kernel.
        look = {"style": {"description_width": "8rem"}}
        self.class_picker = w.Dropdown(
            description="Class",
            options=[(f"{c.name} (ages {c.band})", c.id) for c in classes],
            layout=w.Layout(width="100%"),
            **look,
        )
        self.lesson_picker = w.Dropdown(
            description="Lesson",
            options=self.lesson_options(classes[0].band),
            layout=w.Layout(width="100%"),
            **look,
        )
        self.class_picker.observe(self.guarded(self.fill_lessons), names="value")
        self.start_button = self.on_click(
            action_button("Start the lesson", primary=True), self.start
        )
        self.show(
            [
                heading,
                w.HTML("<p>Choose the class and the lesson, then start.</p>"),
                self.class_picker,
                self.lesson_picker,
                self.start_button,
                self.sign_out_button,
            ],
            focus=self.class_picker,
        )

    def lesson_options(self, band: str) -> list[tuple[str, str]]:
        return [(x.title, x.id) for x in self.catalogue.lessons_for(band)]

    def fill_lessons(self) -> None:
        chosen = next(c for c in self.store.classes() if c.id == self.class_picker.value)
        options = self.lesson_options(chosen.band)
        self.lesson_picker.options = options
        self.lesson_picker.value = options[0][1] if options else None

    def start(self) -> None:
        self.school_class = next(c for c in self.store.classes() if c.id == self.class_picker.value)
        if self.lesson_picker.value is None:
            self.show_alert("There are no lessons for this class's age band yet.")
            return
        lesson = self.school.lesson(self.lesson_picker.value)
        if lesson.band != self.school_class.band:
            self.show_alert("That lesson is for another age band. Please choose again.")
            return
        self.run = LessonRun(lesson)
        self.delivery_id = None
        self.show_page()

    # --- the lesson, page by page -----------------------------------------------------

    def show_page(self) -> None:
        run = self.run
        page = run.page
        header = w.HTML(
            f"<h1>{escape(run.lesson.title)}</h1>"
            f"<p>Page {run.index + 1} of {len(run.pages)} · {escape(self.school_class.name)}</p>"
        )
        body = {
            "story": self.story_view,
            "discussion": self.discussion_view,
            "end": self.end_view,
        }.get(page.kind, lambda: self.activity_view(page.activity))()
        self.back_button = self.on_click(action_button("Back"), self.back)
        self.back_button.disabled = run.index == 0
        nav = [self.back_button]
        if not run.at_end:  # a widget made but never shown would never be closed
            self.next_button = self.on_click(action_button("Next", primary=True), self.forward)
            nav.append(self.next_button)
        bar = w.HBox(nav, layout=w.Layout(width="100%"))
        bar.add_class("esafety-nav")
        self.show([header, *body, bar], focus=self.save_button if run.at_end else self.next_button)

    def forward(self) -> None:
        self.run.next()
        self.show_page()

    def back(self) -> None:
        self.run.back()
        self.show_page()

    def story_view(self) -> list[w.Widget]:
        story = self.run.lesson.story
        return [w.HTML(f"<h2>{escape(story.title)}</h2>{paragraphs(story.text)}")]

    def discussion_view(self) -> list[w.Widget]:
        items = "".join(f"<li>{escape(p)}</li>" for p in self.run.lesson.discussion)
        return [w.HTML(f"<h2>Let's talk</h2><ul>{items}</ul>")]

    def activity_view(self, activity) -> list[w.Widget]:
        builders = {
            CardSort: self.card_sort_view,
            Vote: self.vote_view,
            WhatNext: self.what_next_view,
            RealOrFake: self.real_or_fake_view,
        }
        return builders[type(activity)](activity)

    def verdict(self, right: bool, text: str) -> str:
        label = "Yes, that's right!" if right else "Not quite."
        return f"<div class='{'esafety-right' if right else 'esafety-wrong'}' role='status'><strong>{label}</strong> {escape(text)}</div>"

    def card_verdict(self, activity: CardSort, card: Card, right: bool) -> str:
        """Right or not, then why: a card in the wrong pile is told which pile it belongs in,
        as the content's feedback gives the reason for the right pile only."""
        if right:
            return self.verdict(True, card.feedback)
        pile = next(b.label for b in activity.bins if b.id == card.bin).rstrip(".")
        return self.verdict(False, f"This one belongs in “{pile}”. {card.feedback}")

    def card_sort_view(self, activity: CardSort) -> list[w.Widget]:
        widgets: list[w.Widget] = [w.HTML(f"<h2>{escape(activity.prompt)}</h2>")]
        done = self.run.tallies.get(activity.id, {})
        for card in activity.cards:
            feedback = w.HTML()
            picker = w.ToggleButtons(
                options=[(b.label, b.id) for b in activity.bins],
                value=None,
                description=card.text,
                style={"description_width": "initial"},
            )
            if card.id in done:
                feedback.value = self.card_verdict(activity, card, bool(done[card.id]))

            def sorted_(change, card=card, feedback=feedback):
                if change["new"] is not None:
                    self.run.sort_card(activity.id, card.id, change["new"])
                    right = self.run.tallies[activity.id][card.id] == 1
                    feedback.value = self.card_verdict(activity, card, right)

            picker.observe(self.guarded_change(sorted_), names="value")
            widgets += [picker, feedback]
        return widgets

    def vote_view(self, activity: Vote) -> list[w.Widget]:
        saved = self.run.tallies.get(activity.id, {})
        self.vote_counts = {
            o.id: w.BoundedIntText(
                value=saved.get(o.id, 0),
                min=0,
                max=MAX_CLASS,
                description=o.text,
                style={"description_width": "initial"},
                layout=w.Layout(width="100%"),
            )
            for o in activity.options
        }
        answer = w.HTML()
        total = w.HTML()

        def show_total() -> None:
            # Shown as the teacher types, so they can check it against the class size.
            total.value = (
                f"<p>Votes entered: {sum(int(v.value) for v in self.vote_counts.values())}</p>"
            )

        def count() -> None:
            # Kept as typed, whatever the teacher presses next: the answer need not be shown.
            self.run.set_votes(activity.id, {k: int(v.value) for k, v in self.vote_counts.items()})
            show_total()

        for box in self.vote_counts.values():
            box.observe(self.guarded_change(lambda _change: count()), names="value")
        show_total()

        def reveal() -> None:
            count()
            answer.value = "".join(
                f"<p><strong>{escape(o.text)}</strong>: {self.run.tallies[activity.id][o.id]} votes. "
                f"{'This is the best answer. ' if o.best else ''}{escape(o.feedback)}</p>"
                for o in activity.options
            )

        self.reveal_button = self.on_click(action_button("Show the answer"), reveal)
        return [
            w.HTML(
                f"<h2>{escape(activity.question)}</h2><p>Hands up! Type in how many voted for each.</p>"
            ),
            *self.vote_counts.values(),
            total,
            self.reveal_button,
            answer,
        ]

    def what_next_view(self, activity: WhatNext) -> list[w.Widget]:
        feedback = w.HTML()

        def choose(option_id: str) -> None:
            option = self.run.choose_next(activity.id, option_id)
            feedback.value = self.verdict(option.safe, option.feedback)

        buttons = [
            self.on_click(action_button(o.text), functools.partial(choose, o.id))
            for o in activity.options
        ]
        return [
            w.HTML(f"<h2>What happens next?</h2>{paragraphs(activity.situation)}"),
            *buttons,
            feedback,
        ]

    def real_or_fake_view(self, activity: RealOrFake) -> list[w.Widget]:
        widgets: list[w.Widget] = [w.HTML(f"<h2>{escape(activity.prompt)}</h2>")]
        for item in activity.items:
            feedback = w.HTML()
            picker = w.ToggleButtons(
                options=[("Real", True), ("Fake", False)],
                value=None,
                description=item.text,
                style={"description_width": "initial"},
            )

            def judged(change, item=item, feedback=feedback):
                if change["new"] is not None:
                    self.run.judge(activity.id, item.id, change["new"])
                    right = self.run.tallies[activity.id][item.id] == 1
                    feedback.value = self.verdict(
                        right, f"It is {'real' if item.real else 'fake'}. {item.feedback}"
                    )

            picker.observe(self.guarded_change(judged), names="value")
            widgets += [picker, feedback]
        return widgets

    def guarded_change(self, handler: Callable[[dict], None]) -> Callable[[dict], None]:
        def observe(change: dict) -> None:
            self.guarded(lambda: handler(change))()

        return observe

    # --- the end: save the class result -----------------------------------------------

    def end_view(self) -> list[w.Widget]:
        rows = self.result_rows()
        saved = self.delivery_id is not None
        label = "Save the changes" if saved else "Save this lesson"
        self.save_button = self.on_click(action_button(label, primary=True), self.save)
        self.saved = w.HTML(
            "<p>This lesson is saved. If the class changed an answer, save the changes: "
            "the same record is updated.</p>"
            if saved
            else ""
        )
        self.after_saving = self.after_saving_buttons() if saved else []
        return [
            w.HTML(
                f"<h2>Well done, {escape(self.school_class.name)}!</h2>"
                f"<p>Your class result:</p><ul>{rows}</ul>"
                f"<p><small>If a child tells you something that worries you: listen, do not promise to "
                f"keep it secret, and tell {escape(self.profile.settings.dsl)} the same day.</small></p>"
            ),
            self.save_button,
            self.saved,
            *self.after_saving,
        ]

    def after_saving_buttons(self) -> list[w.Button]:
        # Made only to be shown: a widget never shown would never be closed.
        return [
            self.on_click(action_button("Teach another lesson"), self.show_setup),
            self.on_click(action_button("Sign out"), self.sign_out),
        ]

    def result_rows(self) -> str:
        rows = []
        for activity in self.run.lesson.activities:
            counts = self.run.tallies.get(activity.id, {})
            if isinstance(activity, CardSort | RealOrFake):
                total = len(activity.cards if isinstance(activity, CardSort) else activity.items)
                rows.append(f"{escape(activity.prompt)}: {sum(counts.values())} of {total} right")
            elif isinstance(activity, Vote):
                votes = ", ".join(
                    f"{escape(o.text)} {counts.get(o.id, 0)}" for o in activity.options
                )
                rows.append(f"{escape(activity.question)}: {votes or 'no votes entered'}")
            else:
                chosen = [o for o in activity.options if o.id in counts]
                rows.append(
                    f"What happens next: {escape(chosen[0].text) if chosen else 'not chosen'}"
                )
        return "".join(f"<li>{row}</li>" for row in rows)

    def save(self) -> None:
        """Save the class result: the first time as a new delivery, after that over the same one
        (the class went back and changed an answer), so one lesson taught is one delivery."""
        lesson = self.run.lesson
        if self.delivery_id is None:
            self.delivery_id = self.store.record_delivery(
                self.school_class.id,
                lesson.id,
                self.school.lesson_version(lesson.id),
                self.learner.id,
                self.today(),
                self.run.result(),
            )
        else:
            self.store.update_delivery(self.delivery_id, self.today(), self.run.result())
        self.save_button.disabled = True
        self.saved.value = (
            f"<p role='status'><strong>Saved:</strong> {escape(self.school_class.name)} had "
            f"“{escape(lesson.title)}” on {long_date(self.today())}.</p>"
        )
        if not self.after_saving:
            self.after_saving = self.after_saving_buttons()
            self.body.children = [*self.body.children, *self.after_saving]
        self.after_saving[0].focus()


def lesson_plan_html(lesson: Lesson, school: str) -> str:
    """A printable lesson plan: objectives, story, activities, prompts and teacher notes."""
    e = escape
    parts = [
        f"<h1>{e(lesson.title)}</h1>",
        f"<p>{e(school)} · {e(LETTER_NAMES[lesson.letter])} · ages {e(lesson.band)} · about {lesson.minutes} minutes</p>",
        "<h2>Objectives</h2><ul>"
        + "".join(f"<li>{e(o)}</li>" for o in lesson.objectives)
        + "</ul>",
        "<h2>Education for a Connected World strands</h2><p>"
        + e(", ".join(lesson.strands))
        + "</p>",
        f"<h2>Story: {e(lesson.story.title)}</h2>{paragraphs(lesson.story.text)}",
        "<h2>Activities</h2>",
    ]
    for number, activity in enumerate(lesson.activities, 1):
        parts.append(_activity_plan(number, activity))
    parts.append(
        "<h2>Discussion prompts</h2><ul>"
        + "".join(f"<li>{e(p)}</li>" for p in lesson.discussion)
        + "</ul>"
    )
    parts.append(f"<h2>Teacher notes</h2>{paragraphs(lesson.teacher_notes)}")
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{e(lesson.title)}</title>"
        "<style>body{font-family:sans-serif;max-width:48rem;margin:2rem auto;line-height:1.5;color:#000}"
        "h1{font-size:1.8rem}h2{font-size:1.3rem;margin-top:1.5rem}table{border-collapse:collapse}"
        "td,th{border:1px solid #444;padding:.25rem .5rem;text-align:left}"
        "@media print{body{margin:0}h2{break-after:avoid}}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


def _activity_plan(number: int, activity) -> str:
    e = escape
    if isinstance(activity, CardSort):
        bins = {b.id: b.label for b in activity.bins}
        rows = "".join(
            f"<tr><td>{e(c.text)}</td><td>{e(bins[c.bin])}</td><td>{e(c.feedback)}</td></tr>"
            for c in activity.cards
        )
        return f"<h3>{number}. Card sort: {e(activity.prompt)}</h3><table><tr><th>Card</th><th>Answer</th><th>Why</th></tr>{rows}</table>"
    if isinstance(activity, Vote):
        rows = "".join(
            f"<li>{e(o.text)}{' (best answer)' if o.best else ''}: {e(o.feedback)}</li>"
            for o in activity.options
        )
        return f"<h3>{number}. Class vote: {e(activity.question)}</h3><ul>{rows}</ul>"
    if isinstance(activity, WhatNext):
        rows = "".join(
            f"<li>{e(o.text)} ({'safe' if o.safe else 'not safe'}): {e(o.feedback)}</li>"
            for o in activity.options
        )
        return (
            f"<h3>{number}. What happens next?</h3>{paragraphs(activity.situation)}<ul>{rows}</ul>"
        )
    rows = "".join(
        f"<li>{e(i.text)} ({'real' if i.real else 'fake'}): {e(i.feedback)}</li>"
        for i in activity.items
    )
    return f"<h3>{number}. Real or fake: {e(activity.prompt)}</h3><ul>{rows}</ul>"
