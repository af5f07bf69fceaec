"""A module's quiz bank: questions with marked options, drawn afresh for each attempt, and a reflection."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from toolkit.content.base import (
    Kind,
    Model,
    Problem,
    Slug,
    Sourced,
    Text,
    check_unique,
    items,
    mapping,
)
from toolkit.content.profile import SchoolProfile
from toolkit.content.text import TextFields


class QuizOption(Model):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z]$")] = Field(
        description="A letter, a to z."
    )
    text: Text
    correct: bool
    feedback: Text = Field(description="Why this option is right or wrong.")


class QuizQuestion(Sourced):
    id: Slug
    kind: Literal["single", "multiple"] = Field(description="One right option, or several.")
    text: Text
    options: list[QuizOption] = Field(min_length=3, max_length=6)

    def correct_ids(self) -> list[str]:
        return sorted(o.id for o in self.options if o.correct)

    def option(self, option_id: str) -> QuizOption:
        return next(o for o in self.options if o.id == option_id)


class Reflection(Model):
    prompt: Text
    points: int = Field(ge=1, le=10, description="Marks the DSL can give in the formgrader.")


class QuizBank(Model):
    schema_version: int
    module: Slug
    title: Text
    draw: int = Field(5, ge=1, le=20, description="Questions drawn for each attempt.")
    questions: list[QuizQuestion] = Field(min_length=1)
    reflection: Reflection

    @property
    def id(self) -> str:
        return self.module

    def question(self, question_id: str) -> QuizQuestion:
        return next(q for q in self.questions if q.id == question_id)

    def for_school(self, profile: SchoolProfile) -> QuizBank:
        """The bank as one school reads it: settings filled in, only its own citations."""
        rendered = TEXT.render(self, profile.template_values())
        questions = [q.model_copy(update=q.sources_for(profile.id)) for q in rendered.questions]
        return rendered.model_copy(update={"questions": questions})


# The prose of a bank, filled in for each school; all else is ids, marks and citations.
TEXT = TextFields(
    "title",
    "reflection/prompt",
    "questions/*/text",
    "questions/*/options/*/text",
    "questions/*/options/*/feedback",
)


def check_quiz(data: dict, file: str) -> Iterator[Problem]:
    questions = items(data.get("questions"))
    yield from check_unique(questions, "/questions", "question", file)
    minimum = max(8, data.get("draw", 5) if isinstance(data.get("draw"), int) else 5)
    if len(questions) < minimum:
        yield Problem(
            file,
            "/questions",
            f"{len(questions)} questions; a bank needs at least {minimum}",
            "a bank larger than one sitting lets each attempt draw afresh",
        )
    kinds = {mapping(q).get("kind") for q in questions}
    if questions and not {"single", "multiple"} <= kinds:
        yield Problem(file, "/questions", "a bank needs both single- and multiple-answer questions")
    for i, question in enumerate(questions):
        yield from _check_question(mapping(question), f"/questions/{i}", file)


def _check_question(question: dict, path: str, file: str) -> Iterator[Problem]:
    options = [mapping(o) for o in items(question.get("options"))]
    ids = [o.get("id") for o in options]
    for j, option_id in enumerate(ids):
        if option_id in ids[:j]:
            yield Problem(file, f"{path}/options/{j}/id", f"option id {option_id!r} is used twice")
    right = sum(o.get("correct") is True for o in options)
    kind = question.get("kind")
    if kind == "single" and right != 1:
        yield Problem(
            file,
            f"{path}/options",
            f"a single-answer question needs exactly one correct option, not {right}",
        )
    if kind == "multiple" and not 2 <= right < len(options):
        yield Problem(
            file,
            f"{path}/options",
            f"a multiple-answer question needs two or more correct options and one wrong one ({right} of {len(options)} are correct)",
        )


KIND = Kind(
    name="quiz",
    what="a quiz",
    marker="questions",
    model=QuizBank,
    check=check_quiz,
    text=TEXT,
    folder="scenarios/quizzes",
    table="quizzes",
    cites=True,
)
