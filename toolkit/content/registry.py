"""The kinds of content file: adding a kind is one module declaring its KIND and one line here."""

from __future__ import annotations

from toolkit.content import guidance, lesson, modules, profile, quiz, scenario
from toolkit.content.base import Kind

# In loading order: profiles and guidance first, so that a problem list reads from policy to lesson.
KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        profile.KIND,
        guidance.KIND,
        modules.KIND,
        scenario.KIND,
        quiz.KIND,
        lesson.KIND,
    )
}
