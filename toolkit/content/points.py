"""Teaching points: every scenario choice and quiz question that carries sources, under a key
that stays put while the wording changes ("scenario-id/step-id/choice-index", "quiz/module-id/
question-id"), and a school's own citations joined into them from outside the content files."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from toolkit.content.base import Cite, Sourced


@dataclass(frozen=True)
class Point:
    key: str  # "friend-request-from-pupil/start/0" or "quiz/contact/q3"
    where: str  # as a reader finds it: "friend-request-from-pupil/start/choice 1"
    item: Sourced
    text: str  # the words a reader sees: the choice and its feedback, or the question and options

    @property
    def unit(self) -> str:
        """The scenario or quiz it belongs to, as the setup page lists them: the scenario's id,
        or "quiz/" and the quiz's id."""
        parts = self.key.split("/")
        return "/".join(parts[:2]) if parts[0] == "quiz" else parts[0]


def points(catalogue) -> Iterator[Point]:
    """Every choice of every scenario and every quiz question, scenarios first, in id order."""
    for scenario in sorted(catalogue.scenarios.values(), key=lambda s: s.id):
        for step_id, step in scenario.steps.items():
            for i, choice in enumerate(step.choices):
                yield Point(
                    f"{scenario.id}/{step_id}/{i}",
                    f"{scenario.id}/{step_id}/choice {i + 1}",
                    choice,
                    f"{scenario.title}. {step.text} {choice.label} {choice.feedback}",
                )
    for quiz in sorted(catalogue.quizzes.values(), key=lambda q: q.id):
        for question in quiz.questions:
            options = " ".join(f"{o.text} {o.feedback}" for o in question.options)
            yield Point(
                f"quiz/{quiz.id}/{question.id}",
                f"quiz {quiz.id}/{question.id}",
                question,
                f"{quiz.title}. {question.text} {options}",
            )


def join_citations(catalogue, cites: Mapping[str, Sequence[Cite]]) -> None:
    """Add citations ("school-id#clause-id", by teaching point key) to the catalogue's scenarios and quizzes,
    in place; keys the catalogue does not have are passed over (content changed since)."""
    for scenario_id, scenario in list(catalogue.scenarios.items()):
        steps, changed = {}, False
        for step_id, step in scenario.steps.items():
            choices = []
            for i, choice in enumerate(step.choices):
                extra = list(cites.get(f"{scenario_id}/{step_id}/{i}", ()))
                changed |= bool(extra)
                choices.append(
                    choice.model_copy(update={"cites": [*choice.cites, *extra]})
                    if extra
                    else choice
                )
            steps[step_id] = step.model_copy(update={"choices": choices})
        if changed:
            catalogue.scenarios[scenario_id] = scenario.model_copy(update={"steps": steps})
    for module_id, quiz in list(catalogue.quizzes.items()):
        questions = [
            q.model_copy(update={"cites": [*q.cites, *extra]}) if extra else q
            for q in quiz.questions
            for extra in [list(cites.get(f"quiz/{module_id}/{q.id}", ()))]
        ]
        catalogue.quizzes[module_id] = quiz.model_copy(update={"questions": questions})
