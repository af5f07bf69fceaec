"""A branching scenario: steps of choices, each with an outcome, feedback and the clauses it teaches."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import Discriminator, Field, Tag

from toolkit.content.base import Kind, Model, Problem, Slug, Sourced, Text, items, known, mapping
from toolkit.content.profile import SchoolProfile, SchoolSettings
from toolkit.content.text import TextFields

Outcome = Literal["safe", "risky", "unsafe"]

# Settings with a fixed set of values: an outcome may depend on one of them.
CHOICE_SETTINGS = {
    name: get_args(info.annotation)
    for name, info in SchoolSettings.model_fields.items()
    if get_origin(info.annotation) is Literal
}


class OutcomeBySetting(Model):
    """An outcome that differs between schools, following one of their settings."""

    setting: Literal[tuple(CHOICE_SETTINGS)]  # type: ignore[valid-type]
    cases: dict[str, Outcome] = Field(min_length=1, description="Outcome for each value named.")
    otherwise: Outcome = Field(description="Outcome for the values not named in cases.")

    def resolve(self, settings: SchoolSettings) -> str:
        return self.cases.get(getattr(settings, self.setting), self.otherwise)


def _outcome_form(value: Any) -> str:
    return "by-setting" if isinstance(value, dict | OutcomeBySetting) else "fixed"


ChoiceOutcome = Annotated[
    Annotated[Outcome, Tag("fixed")] | Annotated[OutcomeBySetting, Tag("by-setting")],
    Discriminator(_outcome_form),
]


class Choice(Sourced):
    label: Text
    outcome: ChoiceOutcome = Field(
        description="safe, risky or unsafe; or, where schools differ, a mapping that follows a setting."
    )
    feedback: Text
    next: Slug | None = Field(None, description="The step that follows; none ends the scenario.")


class Step(Model):
    text: Text
    choices: list[Choice] = Field(
        default_factory=list, description="No choices: the scenario ends at this step."
    )


class Scenario(Model):
    schema_version: int
    id: Slug
    module: Slug
    title: Text
    summary: Text
    start: Slug
    steps: dict[Slug, Step] = Field(min_length=1)

    def for_school(self, profile: SchoolProfile) -> Scenario:
        """The scenario as one school reads it: settings filled in, only its own citations."""
        rendered = TEXT.render(self, profile.template_values())
        steps = {
            step_id: step.model_copy(
                update={
                    "choices": [
                        c.model_copy(
                            update={
                                **c.sources_for(profile.id),
                                "outcome": c.outcome.resolve(profile.settings)
                                if isinstance(c.outcome, OutcomeBySetting)
                                else c.outcome,
                            }
                        )
                        for c in step.choices
                    ]
                }
            )
            for step_id, step in rendered.steps.items()
        }
        return rendered.model_copy(update={"steps": steps})


# The prose of a scenario, filled in for each school; all else is ids, outcomes, citations.
TEXT = TextFields(
    "title",
    "summary",
    "steps/*/text",
    "steps/*/choices/*/label",
    "steps/*/choices/*/feedback",
)


def _graph(data: dict) -> dict[str, list[str | None]]:
    """Each step's list of next steps (None: the choice ends the scenario), from raw data."""
    graph = {}
    for step_id, step in mapping(data.get("steps")).items():
        nexts = [mapping(c).get("next") for c in items(mapping(step).get("choices"))]
        graph[str(step_id)] = [n if isinstance(n, str) else None for n in nexts]
    return graph


def check_scenario(data: dict, file: str) -> Iterator[Problem]:
    graph, start = _graph(data), data.get("start")
    if isinstance(start, str) and graph and start not in graph:
        yield Problem(file, "/start", f"no step called {start!r}", known("steps", graph))
    for step_id, nexts in graph.items():
        for i, following in enumerate(nexts):
            if following is not None and following not in graph:
                yield Problem(
                    file,
                    f"/steps/{step_id}/choices/{i}/next",
                    f"no step called {following!r}",
                    known("steps", graph),
                )
    if start in graph:
        reachable = _reachable(graph, start)
        for step_id in graph:
            if step_id not in reachable:
                yield Problem(
                    file,
                    f"/steps/{step_id}",
                    f"step {step_id!r} cannot be reached from the start",
                    "point a choice's 'next' at it, or remove it",
                )
        for step_id in sorted(reachable - _can_end(graph)):
            yield Problem(
                file,
                f"/steps/{step_id}",
                f"from step {step_id!r} the scenario can never end",
                "give a choice no 'next', or lead to a step with no choices",
            )
    for step_id, step in mapping(data.get("steps")).items():
        for i, choice in enumerate(items(mapping(step).get("choices"))):
            yield from _check_outcome_cases(
                mapping(choice).get("outcome"), f"/steps/{step_id}/choices/{i}/outcome", file
            )


def _check_outcome_cases(outcome: Any, path: str, file: str) -> Iterator[Problem]:
    values = CHOICE_SETTINGS.get(mapping(outcome).get("setting"))
    if values is None:
        return
    for value in mapping(mapping(outcome).get("cases")):
        if value not in values:
            yield Problem(
                file,
                f"{path}/cases/{value}",
                f"{value!r} is not a value of {outcome['setting']}",
                f"use one of: {', '.join(values)}",
            )


def _reachable(graph: dict[str, list[str | None]], start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        step_id = todo.pop()
        if step_id in seen or step_id not in graph:
            continue
        seen.add(step_id)
        todo.extend(n for n in graph[step_id] if n)
    return seen


def _can_end(graph: dict[str, list[str | None]]) -> set[str]:
    """Steps from which some path of choices reaches the end."""
    ending: set[str] = set()
    changed = True
    while changed:
        changed = False
        for step_id, nexts in graph.items():
            if step_id not in ending and (
                not nexts or any(n is None or n in ending for n in nexts)
            ):
                ending.add(step_id)
                changed = True
    return ending


KIND = Kind(
    name="scenario",
    what="a scenario",
    marker="steps",
    model=Scenario,
    check=check_scenario,
    text=TEXT,
    folder="scenarios/staff",
    table="scenarios",
    cites=True,
)
