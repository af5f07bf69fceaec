"""Printable lesson plans: a lesson as one HTML page for the teacher, from a template."""

from __future__ import annotations

from toolkit.content import LETTER_NAMES, CardSort, Lesson, Vote, WhatNext
from toolkit.html import render

ACTIVITY_KINDS = {CardSort: "card sort", Vote: "vote", WhatNext: "what next"}


def lesson_plan_html(lesson: Lesson, school: str) -> str:
    """A printable lesson plan: objectives, story, activities, prompts and teacher notes."""
    activities = [
        {
            "kind": ACTIVITY_KINDS.get(type(a), "real or fake"),
            "activity": a,
            "piles": {b.id: b.label for b in a.bins} if isinstance(a, CardSort) else {},
        }
        for a in lesson.activities
    ]
    return render(
        "report/lesson_plan.html.j2",
        lesson=lesson,
        school=school,
        letter=LETTER_NAMES[lesson.letter],
        activities=activities,
    )
