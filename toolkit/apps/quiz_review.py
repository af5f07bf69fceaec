"""The review after marking: for each question, what was chosen, the right answers and why, and
the school's own clauses (or the national guidance) it comes from."""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.apps.words import say
from toolkit.content import QuizOption
from toolkit.engine import DrawnQuestion, QuizRun
from toolkit.school.school import School
from toolkit.school.sources import Sources


@dataclass(frozen=True)
class ReviewedOption:
    """An option as the review shows it: its words, whether it is right, whether it was chosen."""

    text: str
    feedback: str
    correct: bool
    chosen: bool

    @classmethod
    def of(cls, option: QuizOption, chosen_ids: list[str]) -> ReviewedOption:
        return cls(option.text, option.feedback, option.correct, option.id in chosen_ids)


@dataclass(frozen=True)
class ReviewedQuestion:
    """One marked question: the grader's verdict, the options chosen and the right ones (each in
    the order the attempt showed them), and the school's own clauses it cites."""

    slot: int
    text: str
    multiple: bool
    right: bool
    chosen: list[ReviewedOption]
    answers: list[ReviewedOption]  # the right options, chosen or missed
    sources: Sources

    @property
    def found(self) -> int:
        """Right options chosen."""
        return sum(o.correct for o in self.chosen)

    @property
    def wrong(self) -> int:
        """Options chosen that are not right."""
        return len(self.chosen) - self.found

    @property
    def missed(self) -> int:
        """Right options not chosen."""
        return len(self.answers) - self.found

    @property
    def wanted(self) -> int:
        return len(self.answers)

    @property
    def partly(self) -> bool:
        """A multiple-answer question not right, with at least one right option chosen."""
        return self.multiple and not self.right and self.found > 0

    @property
    def verdict(self) -> str:
        return say(
            "quiz.right" if self.right else "quiz.partly_right" if self.partly else "quiz.not_right"
        )

    @property
    def verdict_class(self) -> str:
        """The CSS class of the verdict's border; the verdict's words say the same."""
        return "right" if self.right else "partly" if self.partly else "not-right"


def reviewed(
    slot: int, drawn: DrawnQuestion, chosen_ids: list[str], right: bool, school: School
) -> ReviewedQuestion:
    """One question reviewed for the learner's school; `right` is the grader's verdict."""
    question = drawn.question
    options = [ReviewedOption.of(o, chosen_ids) for o in drawn.options]
    return ReviewedQuestion(
        slot=slot,
        text=question.text,
        multiple=question.kind == "multiple",
        right=right,
        chosen=[o for o in options if o.chosen],
        answers=[o for o in options if o.correct],
        sources=school.sources(question),
    )


def review(run: QuizRun, correct: list[bool], school: School) -> list[ReviewedQuestion]:
    """Every question of a marked attempt, in the order it was shown, with the grader's verdicts."""
    return [
        reviewed(slot, drawn, run.answers.get(slot, []), right, school)
        for slot, (drawn, right) in enumerate(zip(run.drawn, correct, strict=True), 1)
    ]
