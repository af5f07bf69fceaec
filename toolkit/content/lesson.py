"""A pupil lesson: a story, class activities and discussion prompts for one SMART letter and age band."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal, get_args

from pydantic import Field

from toolkit.content.base import (
    Kind,
    Model,
    Problem,
    Slug,
    Text,
    check_unique,
    items,
    known,
    mapping,
)
from toolkit.content.profile import SchoolProfile
from toolkit.content.text import TextFields

Band = Literal["5-7", "7-11"]
BANDS: tuple[str, ...] = get_args(Band)
Letter = Literal["intro", "S", "M", "A", "R", "T"]
LETTER_NAMES = {
    "intro": "Introduction",
    "S": "Safe",
    "M": "Meeting",
    "A": "Accepting",
    "R": "Reliable",
    "T": "Tell",
}
Strand = Literal[
    "self-image and identity",
    "online relationships",
    "online reputation",
    "online bullying",
    "managing online information",
    "health, wellbeing and lifestyle",
    "privacy and security",
    "copyright and ownership",
]


class Bin(Model):
    id: Slug
    label: Text


class Card(Model):
    id: Slug
    text: Text
    bin: Slug = Field(description="The id of the bin this card belongs in.")
    feedback: Text


class CardSort(Model):
    """Sort each card into a bin together, e.g. 'OK to share' or 'Keep private'."""

    type: Literal["card_sort"]
    id: Slug
    prompt: Text
    bins: list[Bin] = Field(min_length=2, max_length=3)
    cards: list[Card] = Field(min_length=3, max_length=10)


class VoteOption(Model):
    id: Slug
    text: Text
    best: bool = Field(description="Whether this is the answer to praise once the votes are in.")
    feedback: Text


class Vote(Model):
    """A whole-class vote: the teacher counts hands and enters the tallies."""

    type: Literal["vote"]
    id: Slug
    question: Text
    options: list[VoteOption] = Field(min_length=2, max_length=4)


class NextOption(Model):
    id: Slug
    text: Text
    safe: bool
    feedback: Text


class WhatNext(Model):
    """Choose what happens next in the story; the class agrees on one choice."""

    type: Literal["what_next"]
    id: Slug
    situation: Text
    options: list[NextOption] = Field(min_length=2, max_length=4)


class RealOrFakeItem(Model):
    id: Slug
    text: Text
    real: bool
    feedback: Text


class RealOrFake(Model):
    """Decide together whether each thing seen online is real or fake."""

    type: Literal["real_or_fake"]
    id: Slug
    prompt: Text
    items: list[RealOrFakeItem] = Field(min_length=2, max_length=8)


Activity = Annotated[CardSort | Vote | WhatNext | RealOrFake, Field(discriminator="type")]


class Story(Model):
    title: Text
    text: Text


class Lesson(Model):
    schema_version: int
    id: Slug
    letter: Letter
    band: Band
    title: Text
    minutes: int = Field(ge=10, le=90)
    objectives: list[Text] = Field(min_length=1)
    strands: list[Strand] = Field(
        min_length=1, description="UKCIS Education for a Connected World strands."
    )
    story: Story
    activities: list[Activity] = Field(min_length=2)
    discussion: list[Text] = Field(min_length=2, description="Prompts for the class to talk about.")
    teacher_notes: Text = Field(
        description="For the teacher only, including what to do on a disclosure."
    )

    def for_school(self, profile: SchoolProfile) -> Lesson:
        """The lesson with the school's settings (such as the DSL's title) filled in."""
        return TEXT.render(self, profile.template_values())

    def pupil_text(self) -> list[str]:
        """Everything pupils see or hear: all but the teacher notes and objectives."""
        return [
            text
            for path, text in TEXT.find(self.model_dump())
            if isinstance(text, str) and path.split("/")[1] not in _TEACHER_ONLY
        ]


_TEACHER_ONLY = {"objectives", "teacher_notes"}

# The prose of a lesson, filled in for each school; the activity keys cover every type.
TEXT = TextFields(
    "title",
    "objectives/*",
    "story/title",
    "story/text",
    "activities/*/prompt",
    "activities/*/question",
    "activities/*/situation",
    "activities/*/bins/*/label",
    "activities/*/cards/*/text",
    "activities/*/cards/*/feedback",
    "activities/*/options/*/text",
    "activities/*/options/*/feedback",
    "activities/*/items/*/text",
    "activities/*/items/*/feedback",
    "discussion/*",
    "teacher_notes",
)


def check_lesson(data: dict, file: str) -> Iterator[Problem]:
    activities = items(data.get("activities"))
    yield from check_unique(activities, "/activities", "activity", file)
    for i, activity in enumerate(activities):
        activity = mapping(activity)
        path = f"/activities/{i}"
        if activity.get("type") == "card_sort":
            bins = {mapping(b).get("id") for b in items(activity.get("bins"))}
            yield from check_unique(activity.get("cards"), f"{path}/cards", "card", file)
            for j, card in enumerate(items(activity.get("cards"))):
                target = mapping(card).get("bin")
                if isinstance(target, str) and target not in bins:
                    yield Problem(
                        file,
                        f"{path}/cards/{j}/bin",
                        f"no bin called {target!r}",
                        known("bins", map(str, bins)),
                    )
        elif activity.get("type") == "vote":
            if not any(mapping(o).get("best") is True for o in items(activity.get("options"))):
                yield Problem(file, f"{path}/options", "a vote needs one option marked best: true")
        elif activity.get("type") == "what_next":
            if not any(mapping(o).get("safe") is True for o in items(activity.get("options"))):
                yield Problem(
                    file, f"{path}/options", "choose-what-happens-next needs a safe option"
                )


KIND = Kind(
    name="lesson",
    what="a lesson",
    marker="activities",
    model=Lesson,
    check=check_lesson,
    text=TEXT,
    folder="scenarios/pupils",
    table="lessons",
)
