"""The classroom app: a SMART lesson on the whiteboard, class results recorded as counts only."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date

import ipywidgets as w

from toolkit.apps.page import HubSignIn, SignInApp, action_button
from toolkit.apps.words import say
from toolkit.content import (
    Card,
    CardSort,
    RealOrFake,
    Vote,
    WhatNext,
)
from toolkit.engine import MAX_CLASS, LessonRun
from toolkit.html import fragment
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
TEMPLATE = "apps/classroom.html.j2"


class ClassroomApp(SignInApp):
    """The teacher signs in, picks a class and a lesson, runs it page by page and saves the
    class's result, recorded as theirs."""

    name = "classroom app"
    kept = say("classroom.kept")
    heading = say("classroom.heading")
    page = "classroom"
    sign_in_text = say("classroom.sign_in_text")

    def __init__(
        self,
        store: Store,
        school: School,
        today: Callable[[], date] = date.today,
        client_address: Callable[[], str] | None = None,
        hub: HubSignIn | None = None,
    ):
        super().__init__(
            store,
            school,
            today,
            BOARD_CSS,
            "esafety-board",
            client_address=client_address,
            hub=hub,
        )
        self.run: LessonRun | None = None
        self.school_class: SchoolClass | None = None
        self.delivery_id: int | None = None  # made by the first save, updated by the next
        self.show_sign_in()

    def signed_in(self) -> None:
        teacher = self.learner
        if all(t.id != teacher.id for t in self.store.teachers()):
            self.refuse(
                say("classroom.not_staff", role=teacher.role, dsl=self.profile.settings.dsl)
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
            fragment(
                TEMPLATE,
                "setup_heading",
                school=self.profile.name,
                heading=self.heading,
                teacher=self.learner.name,
            )
        )
        self.sign_out_button = self.on_click(action_button(say("page.sign_out")), self.sign_out)
        if not classes:
            self.show(
                [
                    heading,
                    w.HTML(fragment(TEMPLATE, "no_classes")),
                    self.sign_out_button,
                ],
                focus=self.sign_out_button,
            )
            return
        # Layout and style made with the widget: one swapped in later would leave the first
        # unclosed in the kernel.
        look = {"style": {"description_width": "8rem"}}
        self.class_picker = w.Dropdown(
            description=say("classroom.class"),
            options=[
                (say("classroom.class_option", name=c.name, band=c.band), c.id) for c in classes
            ],
            layout=w.Layout(width="100%"),
            **look,
        )
        self.lesson_picker = w.Dropdown(
            description=say("classroom.lesson"),
            options=self.lesson_options(classes[0].band),
            layout=w.Layout(width="100%"),
            **look,
        )
        self.class_picker.observe(self.guarded(self.fill_lessons), names="value")
        self.start_button = self.on_click(
            action_button(say("classroom.start"), primary=True), self.start
        )
        self.show(
            [
                heading,
                w.HTML(fragment(TEMPLATE, "choose")),
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
            self.show_alert(say("classroom.no_lessons"))
            return
        lesson = self.school.lesson(self.lesson_picker.value)
        if lesson.band != self.school_class.band:
            self.show_alert(say("classroom.wrong_band"))
            return
        self.run = LessonRun(lesson)
        self.delivery_id = None
        self.show_page()

    # --- the lesson, page by page -----------------------------------------------------

    def show_page(self) -> None:
        run = self.run
        page = run.page
        header = w.HTML(
            fragment(
                TEMPLATE,
                "page_header",
                lesson=run.lesson.title,
                page=run.index + 1,
                pages=len(run.pages),
                school_class=self.school_class.name,
            )
        )
        body = {
            "story": self.story_view,
            "discussion": self.discussion_view,
            "end": self.end_view,
        }.get(page.kind, lambda: self.activity_view(page.activity))()
        self.back_button = self.on_click(action_button(say("classroom.back")), self.back)
        self.back_button.disabled = run.index == 0
        nav = [self.back_button]
        if not run.at_end:  # a widget made but never shown would never be closed
            self.next_button = self.on_click(
                action_button(say("classroom.next"), primary=True), self.forward
            )
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
        return [w.HTML(fragment(TEMPLATE, "story", title=story.title, text=story.text))]

    def discussion_view(self) -> list[w.Widget]:
        return [w.HTML(fragment(TEMPLATE, "discussion", prompts=self.run.lesson.discussion))]

    def activity_view(self, activity) -> list[w.Widget]:
        builders = {
            CardSort: self.card_sort_view,
            Vote: self.vote_view,
            WhatNext: self.what_next_view,
            RealOrFake: self.real_or_fake_view,
        }
        return builders[type(activity)](activity)

    def verdict(self, right: bool, text: str, **why: object) -> str:
        """Right or not, then `text`; `why` may name the right pile or say if it is real."""
        return fragment(TEMPLATE, "verdict", right=right, text=text, **why)

    def card_verdict(self, activity: CardSort, card: Card, right: bool) -> str:
        """Right or not, then why: a card in the wrong pile is told which pile it belongs in,
        as the content's feedback gives the reason for the right pile only."""
        if right:
            return self.verdict(True, card.feedback)
        pile = next(b.label for b in activity.bins if b.id == card.bin).rstrip(".")
        return self.verdict(False, card.feedback, pile=pile)

    def card_sort_view(self, activity: CardSort) -> list[w.Widget]:
        widgets: list[w.Widget] = [w.HTML(fragment(TEMPLATE, "prompt", text=activity.prompt))]
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
            entered = sum(int(v.value) for v in self.vote_counts.values())
            total.value = fragment(TEMPLATE, "votes_entered", total=entered)

        def count() -> None:
            # Kept as typed, whatever the teacher presses next: the answer need not be shown.
            self.run.set_votes(activity.id, {k: int(v.value) for k, v in self.vote_counts.items()})
            show_total()

        for box in self.vote_counts.values():
            box.observe(self.guarded_change(lambda _change: count()), names="value")
        show_total()

        def reveal() -> None:
            count()
            votes = self.run.tallies[activity.id]
            answer.value = fragment(
                TEMPLATE,
                "vote_answer",
                options=[
                    {"text": o.text, "votes": votes[o.id], "best": o.best, "feedback": o.feedback}
                    for o in activity.options
                ],
            )

        self.reveal_button = self.on_click(action_button(say("classroom.show_answer")), reveal)
        return [
            w.HTML(fragment(TEMPLATE, "vote", question=activity.question)),
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
            w.HTML(fragment(TEMPLATE, "what_next", situation=activity.situation)),
            *buttons,
            feedback,
        ]

    def real_or_fake_view(self, activity: RealOrFake) -> list[w.Widget]:
        widgets: list[w.Widget] = [w.HTML(fragment(TEMPLATE, "prompt", text=activity.prompt))]
        for item in activity.items:
            feedback = w.HTML()
            picker = w.ToggleButtons(
                options=[(say("classroom.real"), True), (say("classroom.fake"), False)],
                value=None,
                description=item.text,
                style={"description_width": "initial"},
            )

            def judged(change, item=item, feedback=feedback):
                if change["new"] is not None:
                    self.run.judge(activity.id, item.id, change["new"])
                    right = self.run.tallies[activity.id][item.id] == 1
                    feedback.value = self.verdict(right, item.feedback, real=item.real)

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
        label = say("classroom.save_changes" if saved else "classroom.save")
        self.save_button = self.on_click(action_button(label, primary=True), self.save)
        self.saved = w.HTML(fragment(TEMPLATE, "resaved") if saved else "")
        self.after_saving = self.after_saving_buttons() if saved else []
        return [
            w.HTML(
                fragment(
                    TEMPLATE,
                    "end",
                    school_class=self.school_class.name,
                    rows=rows,
                    dsl=self.profile.settings.dsl,
                )
            ),
            self.save_button,
            self.saved,
            *self.after_saving,
        ]

    def after_saving_buttons(self) -> list[w.Button]:
        # Made only to be shown: a widget never shown would never be closed.
        return [
            self.on_click(action_button(say("classroom.another")), self.show_setup),
            self.on_click(action_button(say("page.sign_out")), self.sign_out),
        ]

    def result_rows(self) -> list[dict]:
        """The class result, one row per activity: "sorted" with how many were right out of
        how many, "vote" with each option's votes, "next" with the option chosen (or None)."""
        rows: list[dict] = []
        for activity in self.run.lesson.activities:
            counts = self.run.tallies.get(activity.id, {})
            if isinstance(activity, CardSort | RealOrFake):
                total = len(activity.cards if isinstance(activity, CardSort) else activity.items)
                row = {"right": sum(counts.values()), "total": total}
                rows.append({"kind": "sorted", "prompt": activity.prompt, **row})
            elif isinstance(activity, Vote):
                votes = [{"text": o.text, "votes": counts.get(o.id, 0)} for o in activity.options]
                rows.append({"kind": "vote", "prompt": activity.question, "votes": votes})
            else:
                chosen = [o for o in activity.options if o.id in counts]
                rows.append({"kind": "next", "prompt": chosen[0].text if chosen else None})
        return rows

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
        self.saved.value = fragment(
            TEMPLATE,
            "saved",
            school_class=self.school_class.name,
            lesson=lesson.title,
            day=self.today(),
        )
        if not self.after_saving:
            self.after_saving = self.after_saving_buttons()
            self.body.children = [*self.body.children, *self.after_saving]
        self.after_saving[0].focus()
