"""The module quiz page: answer in widgets, marked by nbgrader in the background, results shown."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from dataclasses import dataclass

import ipywidgets as w

from toolkit.content import Module, QuizBank
from toolkit.engine import QuizRun
from toolkit.grading import GradedQuiz
from toolkit.store import Learner, Store

Grader = Callable[[int, QuizBank, list[tuple[str, list[str]]], str], GradedQuiz]


@dataclass
class QuizContext:
    """What a quiz page needs from the app around it."""

    store: Store
    learner: Learner
    module: Module
    bank: QuizBank  # as the school reads it
    version: str
    pass_mark: int
    grader: Grader
    show: Callable[..., None]  # shows nothing once the learner has signed out
    guarded: Callable[[Callable[[], None]], Callable]
    alert: Callable[[str], None]
    back: Callable[[], w.Button]
    retake: Callable[[], None]
    escape: Callable[[object], str]
    rng: random.Random


class QuizPage:
    """Draw (or resume) an attempt, collect answers, mark them, show the result."""

    def __init__(self, ctx: QuizContext):
        self.ctx = ctx
        self.worker: threading.Thread | None = None
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
        e, run = self.ctx.escape, self.run
        intro = w.HTML(
            f"<h1>{e(self.ctx.bank.title)}</h1>"
            f"<p>Answer all {len(run.drawn)} questions, then write a short reflection. "
            f"The pass mark is {self.ctx.pass_mark}%. Each attempt draws new questions.</p>"
        )
        self.inputs: list[w.Widget] = []
        children: list[w.Widget] = [intro]
        for slot, drawn in enumerate(run.drawn, start=1):
            multiple = drawn.question.kind == "multiple"
            hint = "Choose all that apply." if multiple else "Choose one answer."
            children.append(
                w.HTML(
                    f"<h2>Question {slot} of {len(run.drawn)}</h2><p>{e(drawn.question.text)}</p><p>{hint}</p>"
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
                    description=f"Question {slot}",
                    layout=w.Layout(width="100%"),
                )
                widget.add_class("esafety-option")
            widget.add_class(f"esafety-question-{slot}")
            self.inputs.append(widget)
            children.append(widget)
        self.reflection = w.Textarea(
            description="Reflection",
            placeholder="A few sentences in your own words.",
            layout=w.Layout(width="100%", height="8rem"),
        )
        self.reflection.style.description_width = "8rem"
        self.submit_button = w.Button(
            description="Submit my answers", layout=w.Layout(width="100%")
        )
        self.submit_button.add_class("esafety-action")
        self.submit_button.add_class("esafety-primary")
        self.submit_button.on_click(self.ctx.guarded(self.submit))
        self.progress = w.HTML()
        children += [
            w.HTML(f"<h2>Reflection</h2><p>{e(self.ctx.bank.reflection.prompt)}</p>"),
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
        for slot in range(1, len(self.run.drawn) + 1):
            self.run.answer(slot, self.chosen(slot))
        if self.run.unanswered:
            missing = ", ".join(str(s) for s in self.run.unanswered)
            self.ctx.alert(f"Please answer every question first (not yet answered: {missing}).")
            return
        self.submit_button.disabled = True
        self.progress.value = (
            '<p role="status"><strong>Marking your answers…</strong> This takes a few seconds.</p>'
        )
        self.worker = threading.Thread(target=self.ctx.guarded(self.mark), daemon=True)
        self.worker.start()

    def mark(self) -> None:
        try:
            graded = self.ctx.grader(
                self.ctx.learner.id, self.ctx.bank, self.run.submission(), self.reflection.value
            )
        except Exception:
            self.submit_button.disabled = False
            self.progress.value = ""
            raise
        answers = graded.answers(self.run.submission())
        passed = graded.score >= self.ctx.pass_mark
        # Saved for the person who submitted, even if they have signed out while it was marked.
        self.ctx.store.record_quiz_result(self.attempt_id, answers, graded.score, passed)
        self.show_result(graded, passed)

    def show_result(self, graded: GradedQuiz, passed: bool) -> None:
        e = self.ctx.escape
        verdict = (
            "You passed."
            if passed
            else f"You have not passed yet: the pass mark is {self.ctx.pass_mark}%."
        )
        items = []
        for slot, (drawn, right) in enumerate(zip(self.run.drawn, graded.correct, strict=True), 1):
            chosen = [drawn.question.option(i) for i in self.run.answers[slot]]
            notes = "".join(f"<li>{e(o.text)}: {e(o.feedback)}</li>" for o in chosen)
            items.append(
                f"<li><p><strong>{'Correct' if right else 'Not right'}.</strong> {e(drawn.question.text)}</p>"
                f"<p>You chose:</p><ul>{notes}</ul></li>"
            )
        self.result = w.HTML(
            f"<h1>{e(self.ctx.bank.title)}: your result</h1>"
            f'<div role="status"><p><strong>Your score is {graded.score}%. {verdict}</strong></p></div>'
            "<p>Your reflection has been sent to be marked by hand.</p>"
            f"<h2>Your answers</h2><ol>{''.join(items)}</ol>"
        )
        buttons = [self.ctx.back()]
        if not passed:
            self.retry_button = w.Button(
                description="Try again with new questions", layout=w.Layout(width="100%")
            )
            self.retry_button.add_class("esafety-action")
            self.retry_button.add_class("esafety-primary")
            self.retry_button.on_click(self.ctx.guarded(self.ctx.retake))
            buttons.insert(0, self.retry_button)
        self.ctx.show([self.result, *buttons], focus=buttons[0])
