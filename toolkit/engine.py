"""Pure state machines for a branching scenario, a module quiz and a classroom lesson: no I/O."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Literal

from toolkit.content import (
    Activity,
    Card,
    CardSort,
    Choice,
    Lesson,
    NextOption,
    QuizBank,
    QuizOption,
    QuizQuestion,
    RealOrFake,
    RealOrFakeItem,
    Scenario,
    Step,
    Vote,
    WhatNext,
)

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

    def choice_for(self, index: int) -> Choice:
        """The choice `index` of the current step, if it may be made now: asked before saving,
        so a click that arrives late (a double-click) is refused before the store sees it."""
        if self.phase != "choosing":
            raise EngineError(f"cannot choose while the scenario is {self.phase}")
        if (
            isinstance(index, bool)
            or not isinstance(index, int)
            or not 0 <= index < len(self.step.choices)
        ):
            raise EngineError(f"step {self.step_id!r} has no choice {index!r}")
        return self.step.choices[index]

    def choose(self, index: int) -> Taken:
        taken = Taken(self.step_id, index, self.choice_for(index))
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
            run._take(step_id, index)
        return run

    @classmethod
    def salvage(
        cls, scenario: Scenario, moves: list[tuple[str, int]]
    ) -> tuple[ScenarioRun, list[int]]:
        """Replay the moves that follow the path and skip the others (two choices saved at one
        step by a double-click): the run, and the positions in `moves` of those skipped."""
        run, skipped = cls(scenario), []
        for number, (step_id, index) in enumerate(moves):
            try:
                run._take(step_id, index)
            except EngineError:
                skipped.append(number)
        return run, skipped

    def _take(self, step_id: str, index: int) -> None:
        """Make one recorded move; if it does not follow the path, leave the run as it was."""
        before = (self.step_id, self.phase)
        if self.phase == "feedback":
            self.proceed()
        if self.step_id != step_id or self.phase != "choosing":
            where = self.step_id
            self.step_id, self.phase = before
            raise EngineError(f"recorded choice at {step_id!r} but the scenario is at {where!r}")
        try:
            self.choose(index)
        except EngineError:
            self.step_id, self.phase = before
            raise


# --- module quiz --------------------------------------------------------------------------


@dataclass(frozen=True)
class DrawnQuestion:
    """A question as one attempt shows it: its options in this attempt's order."""

    question: QuizQuestion
    option_order: tuple[str, ...]

    @property
    def options(self) -> list[QuizOption]:
        return [self.question.option(option_id) for option_id in self.option_order]


@dataclass
class QuizRun:
    """One attempt at a module quiz: a fresh draw, answers checked against the options."""

    bank: QuizBank
    drawn: list[DrawnQuestion]
    answers: dict[int, list[str]] = field(default_factory=dict)

    @classmethod
    def draw(cls, bank: QuizBank, rng: random.Random) -> QuizRun:
        """Draw `bank.draw` questions and shuffle both the questions and their options."""
        questions = rng.sample(bank.questions, k=min(bank.draw, len(bank.questions)))
        drawn = []
        for question in questions:
            order = [o.id for o in question.options]
            rng.shuffle(order)
            drawn.append(DrawnQuestion(question, tuple(order)))
        return cls(bank, drawn)

    @classmethod
    def from_spec(cls, bank: QuizBank, spec: list[dict]) -> QuizRun:
        """Rebuild a saved draw; refuse one that no longer fits the bank."""
        try:
            drawn = [
                DrawnQuestion(bank.question(item["id"]), tuple(item["options"])) for item in spec
            ]
        except (StopIteration, KeyError, TypeError):
            raise EngineError("the saved draw does not match this quiz bank") from None
        for item in drawn:
            if sorted(item.option_order) != sorted(o.id for o in item.question.options):
                raise EngineError(
                    f"the saved draw of {item.question.id!r} does not match its options"
                )
        return cls(bank, drawn)

    def spec(self) -> list[dict]:
        return [{"id": d.question.id, "options": list(d.option_order)} for d in self.drawn]

    def answer(self, slot: int, option_ids: list[str]) -> None:
        """Record the options chosen for question `slot` (1-based); only its own options count."""
        if isinstance(slot, bool) or not isinstance(slot, int) or not 1 <= slot <= len(self.drawn):
            raise EngineError(f"there is no question {slot!r}")
        question = self.drawn[slot - 1].question
        valid = {o.id for o in question.options}
        if not isinstance(option_ids, list | tuple) or not all(
            isinstance(x, str) and x in valid for x in option_ids
        ):
            raise EngineError(f"question {slot} has no such option")
        chosen = sorted(set(option_ids))
        if question.kind == "single" and len(chosen) > 1:
            raise EngineError(f"question {slot} takes one answer")
        if chosen:
            self.answers[slot] = chosen
        else:
            self.answers.pop(slot, None)

    @property
    def unanswered(self) -> list[int]:
        return [slot for slot in range(1, len(self.drawn) + 1) if slot not in self.answers]

    def submission(self) -> list[tuple[str, list[str]]]:
        """(question id, chosen option ids) for each slot, in order: what the grader receives."""
        if self.unanswered:
            raise EngineError(f"questions {self.unanswered} have no answer yet")
        return [(d.question.id, self.answers[slot]) for slot, d in enumerate(self.drawn, start=1)]

    def expected_score(self) -> int:
        """Percent right by the bank's own key (the grader's verdict is the one recorded)."""
        right = sum(
            self.answers.get(i) == d.question.correct_ids() for i, d in enumerate(self.drawn, 1)
        )
        return round(100 * right / len(self.drawn))


# A reflection must say something for the DSL to mark: a blank or a single word is refused.
REFLECTION_MIN_WORDS = 2
WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")  # "don't" and "follow-up" are one word each


def reflection_words(text: str | None) -> int:
    """How many words a written reflection has; spaces and punctuation alone are none."""
    return len(WORD.findall(text or ""))


def reflection_too_short(text: str | None) -> bool:
    """Is this reflection blank or a single word, so that it is refused before marking?"""
    return reflection_words(text) < REFLECTION_MIN_WORDS


# --- classroom lesson ---------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    """One screen of a lesson on the whiteboard."""

    kind: Literal["story", "activity", "discussion", "end"]
    activity: Activity | None = None


@dataclass
class LessonRun:
    """A lesson led by the teacher: pages in order, and the class's answers, never names."""

    lesson: Lesson
    index: int = 0
    # activity id -> {option/card/item id -> count}: the class result, counts only.
    tallies: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def pages(self) -> list[Page]:
        return [
            Page("story"),
            *(Page("activity", a) for a in self.lesson.activities),
            Page("discussion"),
            Page("end"),
        ]

    @property
    def page(self) -> Page:
        return self.pages[self.index]

    def next(self) -> Page:
        if self.index < len(self.pages) - 1:
            self.index += 1
        return self.page

    def back(self) -> Page:
        if self.index > 0:
            self.index -= 1
        return self.page

    @property
    def at_end(self) -> bool:
        return self.page.kind == "end"

    def _activity(self, activity_id: str, kind: type) -> Activity:
        for activity in self.lesson.activities:
            if activity.id == activity_id and isinstance(activity, kind):
                return activity
        raise EngineError(f"this lesson has no {kind.__name__} activity {activity_id!r}")

    def sort_card(self, activity_id: str, card_id: str, bin_id: str) -> Card:
        """The class puts a card in a bin; returns the card (its right bin and feedback)."""
        activity = self._activity(activity_id, CardSort)
        card = next((c for c in activity.cards if c.id == card_id), None)
        if card is None or bin_id not in {b.id for b in activity.bins}:
            raise EngineError(f"no card {card_id!r} or bin {bin_id!r} in {activity_id!r}")
        self.tallies.setdefault(activity_id, {})[card_id] = int(card.bin == bin_id)
        return card

    def set_votes(self, activity_id: str, counts: dict[str, int]) -> None:
        """The teacher enters the number of hands for each option."""
        activity = self._activity(activity_id, Vote)
        valid = {o.id for o in activity.options}
        for option_id, count in counts.items():
            if option_id not in valid:
                raise EngineError(f"{activity_id!r} has no option {option_id!r}")
            if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_CLASS:
                raise EngineError(f"a tally is a whole number from 0 to {MAX_CLASS}, not {count!r}")
        self.tallies[activity_id] = {o: counts.get(o, 0) for o in sorted(valid)}

    def choose_next(self, activity_id: str, option_id: str) -> NextOption:
        """The class agrees what happens next; returns the option (safe or not, and why)."""
        activity = self._activity(activity_id, WhatNext)
        option = next((o for o in activity.options if o.id == option_id), None)
        if option is None:
            raise EngineError(f"{activity_id!r} has no option {option_id!r}")
        self.tallies[activity_id] = {option_id: 1}
        return option

    def judge(self, activity_id: str, item_id: str, says_real: bool) -> RealOrFakeItem:
        """The class says real or fake; returns the item (what it really is, and why)."""
        activity = self._activity(activity_id, RealOrFake)
        item = next((i for i in activity.items if i.id == item_id), None)
        if item is None:
            raise EngineError(f"{activity_id!r} has no item {item_id!r}")
        self.tallies.setdefault(activity_id, {})[item_id] = int(item.real == says_real)
        return item

    def result(self) -> list[tuple[str, str, int]]:
        """The class result as (activity id, option/card/item id, count) rows."""
        return [
            (a, key, n)
            for a, counts in sorted(self.tallies.items())
            for key, n in sorted(counts.items())
        ]


MAX_CLASS = 60
