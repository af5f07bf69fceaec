"""A pure state machine for playing a branching scenario: no widgets, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from toolkit.content import Choice, Scenario, Step

POINTS = {"safe": 1.0, "risky": 0.5, "unsafe": 0.0}

Phase = Literal["choosing", "feedback", "ended"]


class EngineError(Exception):
    """An action that the scenario's current state does not allow."""


@dataclass(frozen=True)
class Taken:
    """One decision on the path: where the learner was and what they chose."""

    step_id: str
    choice_index: int
    choice: Choice


@dataclass
class ScenarioRun:
    """Play a scenario: choose() shows feedback, proceed() moves to the next step."""

    scenario: Scenario
    step_id: str = ""
    phase: Phase = "choosing"
    path: list[Taken] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.step_id = self.step_id or self.scenario.start
        self._settle()

    @property
    def step(self) -> Step:
        return self.scenario.steps[self.step_id]

    @property
    def last(self) -> Taken | None:
        return self.path[-1] if self.path else None

    def choose(self, index: int) -> Taken:
        if self.phase != "choosing":
            raise EngineError(f"cannot choose while the scenario is {self.phase}")
        if (
            isinstance(index, bool)
            or not isinstance(index, int)
            or not 0 <= index < len(self.step.choices)
        ):
            raise EngineError(f"step {self.step_id!r} has no choice {index!r}")
        taken = Taken(self.step_id, index, self.step.choices[index])
        self.path.append(taken)
        self.phase = "feedback"
        return taken

    def proceed(self) -> None:
        if self.phase != "feedback":
            raise EngineError(f"nothing to move on from while the scenario is {self.phase}")
        following = self.path[-1].choice.next
        if following is None:
            self.phase = "ended"
        else:
            self.step_id = following
            self.phase = "choosing"
            self._settle()

    def _settle(self) -> None:
        """A step without choices is an ending: the scenario stops there."""
        if not self.step.choices:
            self.phase = "ended"

    @property
    def ended(self) -> bool:
        return self.phase == "ended"

    @property
    def closing_text(self) -> str | None:
        """The ending step's text, when the scenario ended on a step without choices."""
        return self.step.text if self.ended and not self.step.choices else None

    @property
    def score(self) -> int:
        """Percent of the best possible: safe choices count fully, risky ones half."""
        if not self.path:
            return 0
        return round(100 * sum(POINTS[t.choice.outcome] for t in self.path) / len(self.path))

    @classmethod
    def replay(cls, scenario: Scenario, moves: list[tuple[str, int]]) -> ScenarioRun:
        """Rebuild a run from recorded (step_id, choice_index) pairs, e.g. after a closed tab."""
        run = cls(scenario)
        for step_id, index in moves:
            if run.phase == "feedback":
                run.proceed()
            if run.step_id != step_id:
                raise EngineError(
                    f"recorded choice at {step_id!r} but the scenario is at {run.step_id!r}"
                )
            run.choose(index)
        return run
