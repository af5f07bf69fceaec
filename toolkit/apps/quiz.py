"""The module quiz page: answer in widgets, marked by nbgrader in the background, then reviewed."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as w

from toolkit.apps.page import action_button
from toolkit.apps.quiz_review import review
from toolkit.apps.words import say
from toolkit.content import Module, QuizBank
from toolkit.engine import QuizRun, reflection_too_short
from toolkit.grading import GradedQuiz, LearnerErased
from toolkit.html import fragment, render
from toolkit.school import rules
from toolkit.school.school import School
from toolkit.store import Learner, Store, UnknownAttempt, UnknownLearner

# (learner id, bank, answers, reflection, on_roster=a check that the learner is still there)
Grader = Callable[..., GradedQuiz]

TEMPLATE = "apps/quiz.html.j2"


@dataclass
class QuizContext:
    """What a quiz page needs from the app around it."""

    store: Store
    learner: Learner
    module: Module
    bank: QuizBank  # as the school reads it
    version: str
    school: School  # whose pass mark decides
    grader: Grader
    show: Callable[..., None]  # shows nothing once the learner has signed out
    guarded: Callable[[Callable[[], None]], Callable]
    alert: Callable[[str], None]
    back: Callable[[], w.Button]
    retake: Callable[[], None]
    sign_out: Callable[[], None]
    dsl: str  # who to speak to, as the school's profile names the role
    rng: random.Random

    @property
    def pass_mark(self) -> int:
        return self.school.pass_mark


class QuizPage:
    """Draw (or resume) an attempt, collect answers, mark them, show the result."""

    def __init__(self, ctx: QuizContext):
        self.ctx = ctx
        self.worker: threading.Thread | None = None
        self.sent = False  # being marked or marked: a second press of Submit does nothing
        self.written = ""  # the reflection as it was submitted: what is marked and reviewed
        saved = ctx.store.open_quiz(ctx.learner.id, ctx.module.id, ctx.version)
        if saved is None:
            self.run = QuizRun.draw(ctx.bank, ctx.rng)
            self.attempt_id = ctx.store.start_quiz(
                ctx.learner.id, ctx.module.id, ctx.version, self.run.spec()
            )
        else:
            self.attempt_id, spec = saved
            self.run = QuizRun.from_spec(ctx.bank, spec)
        self.show_questions()

    def show_questions(self) -> None:
        run = self.run
        intro = w.HTML(
            fragment(
                TEMPLATE,
                "intro",
                title=self.ctx.bank.title,
                questions=len(run.drawn),
                pass_mark=self.ctx.pass_mark,
            )
        )
        self.inputs: list[w.Widget] = []
        children: list[w.Widget] = [intro]
        for slot, drawn in enumerate(run.drawn, start=1):
            multiple = drawn.question.kind == "multiple"
            children.append(
                w.HTML(
                    fragment(
                        TEMPLATE,
                        "question",
                        slot=slot,
                        questions=len(run.drawn),
                        text=drawn.question.text,
                        multiple=multiple,
                    )
                )
            )
            if multiple:
                boxes = [
                    w.Checkbox(
                        value=False, description=o.text, indent=False, layout=w.Layout(width="100%")
                    )
                    for o in drawn.options
                ]
                for box in boxes:
                    box.add_class("esafety-option")
                widget = w.VBox(boxes)
            else:
                widget = w.RadioButtons(
                    options=[(o.text, o.id) for o in drawn.options],
                    value=None,
                    description=say("quiz.question", slot=slot),
                    layout=w.Layout(width="100%"),
                )
                widget.add_class("esafety-option")
            widget.add_class(f"esafety-question-{slot}")
            self.inputs.append(widget)
            children.append(widget)
        self.reflection = w.Textarea(
            description=say("quiz.reflection"),
            placeholder=say("quiz.reflection_placeholder"),
            layout=w.Layout(width="100%", height="8rem"),
        )
        self.reflection.style.description_width = "8rem"
        self.submit_button = action_button(say("quiz.submit"), primary=True)
        self.submit_button.on_click(self.ctx.guarded(self.submit))
        self.progress = w.HTML()
        children += [
            w.HTML(fragment(TEMPLATE, "reflection", prompt=self.ctx.bank.reflection.prompt)),
            self.reflection,
            self.submit_button,
            self.progress,
            self.ctx.back(),
        ]
        self.ctx.show(
            children, focus=self.inputs[0] if not isinstance(self.inputs[0], w.VBox) else None
        )

    def chosen(self, slot: int) -> list[str]:
        widget, drawn = self.inputs[slot - 1], self.run.drawn[slot - 1]
        if isinstance(widget, w.VBox):
            return [
                o.id for o, box in zip(drawn.options, widget.children, strict=True) if box.value
            ]
        return [widget.value] if widget.value is not None else []

    def submit(self) -> None:
        if self.sent:  # a double click's second press reaches the kernel before "disabled" does
            return
        for slot in range(1, len(self.run.drawn) + 1):
            self.run.answer(slot, self.chosen(slot))
        problems = []
        if self.run.unanswered:
            missing = ", ".join(str(s) for s in self.run.unanswered)
            problems.append(say("quiz.unanswered", missing=missing))
        if reflection_too_short(self.reflection.value):
            problems.append(say("quiz.reflection_short"))
        if problems:  # nothing is changed: every answer and the reflection stay as they are
            self.ctx.alert(" ".join(problems))
            if not self.run.unanswered:
                self.reflection.focus()
            return
        self.sent = True
        self.written = self.reflection.value
        self.submit_button.disabled = True
        self.progress.value = fragment(TEMPLATE, "marking")
        self.worker = threading.Thread(target=self.ctx.guarded(self.mark), daemon=True)
        self.worker.start()

    def on_roster(self) -> bool:
        """Is the learner still on the roster (not erased while this page was open)?"""
        try:
            self.ctx.store.learner(self.ctx.learner.id)
        except UnknownLearner:
            return False
        return True

    def mark(self) -> None:
        try:
            graded = self.ctx.grader(
                self.ctx.learner.id,
                self.ctx.bank,
                self.run.submission(),
                self.written,
                on_roster=self.on_roster,
            )
            answers = graded.answers(self.run.submission())
            passed = rules.quiz_passed(self.ctx.school, graded.score)
            # Saved for the person who submitted, even if they have signed out while it was marked.
            self.ctx.store.record_quiz_result(self.attempt_id, answers, graded.score, passed)
        except (LearnerErased, UnknownAttempt):  # erased, before marking or while it ran
            self.show_erased()
            return
        except Exception:
            self.sent = False
            self.submit_button.disabled = False
            self.progress.value = ""
            raise
        self.show_result(graded, passed)

    @staticmethod
    def heading(text: str) -> w.Label:
        """A view's title that takes the focus, so the view is read, and scrolled, from its top.
        A Label, as ipywidgets can focus it (tabbable=False: by script, not by Tab); an HTML
        widget hands the focus to an inner element that cannot take it, and a box takes none."""
        title = w.Label(value=text, tabbable=False)
        title.add_class("esafety-title")
        return title

    def show_erased(self) -> None:
        title = self.heading(say("quiz.not_sent"))
        message = w.HTML(fragment(TEMPLATE, "erased", dsl=self.ctx.dsl))
        leave = action_button(say("page.sign_out"))
        leave.on_click(self.ctx.guarded(self.ctx.sign_out))
        self.ctx.show([title, message, leave], focus=title)

    def show_result(self, graded: GradedQuiz, passed: bool) -> None:
        """The score, then the review of every question, read from the result's heading."""
        verdict = (
            say("quiz.passed") if passed else say("quiz.not_passed", pass_mark=self.ctx.pass_mark)
        )
        school = self.ctx.school
        self.title = self.heading(say("quiz.result_title", title=self.ctx.bank.title))
        self.result = w.HTML(
            render(
                "apps/quiz_result.html.j2",
                score=graded.score,
                verdict=verdict,
                items=review(self.run, graded.correct, school),
                dsl=self.ctx.dsl,
                reflection=self.written,
            )
        )
        buttons = [self.ctx.back()]
        if not passed:
            self.retry_button = action_button(say("quiz.retry"), primary=True)
            self.retry_button.on_click(self.ctx.guarded(self.ctx.retake))
            buttons.insert(0, self.retry_button)
        self.ctx.show([self.title, self.result, *buttons], focus=self.title)
