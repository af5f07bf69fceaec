"""The pages' words: every key the apps use exists, every word is used, and `say` fails loudly."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import toolkit
from toolkit.apps import words
from toolkit.apps.staff import OUTCOME_TEXT, QUIZ_BUTTON, SCENARIO_VERB
from toolkit.apps.words import WORDS, say

PACKAGE = Path(toolkit.__file__).parent
APPS = sorted((PACKAGE / "apps").glob("*.py"))
TEMPLATES = sorted((PACKAGE / "templates" / "apps").glob("*.j2"))
# What a key looks like: the page it belongs to, a dot, a name.
KEY = re.compile(r"^(page|launch|staff|quiz|classroom|dsl|setup|trust)\.[a-z_]+$")


def said_keys() -> list[tuple[str, str]]:
    """(module, key) for each `say("literal")` and each key-shaped string in the apps,
    such as a table from a status to the key of its words."""
    found = []
    for path in APPS:
        if path.name == "words.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if KEY.match(node.value):
                    found.append((path.name, node.value))
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "say"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found.append((path.name, node.args[0].value))
    return found


def test_every_key_the_apps_say_exists():
    """Does every key the apps look up have words (so a typo fails here, not on a page)?"""
    missing = [(module, key) for module, key in said_keys() if key not in WORDS]
    assert not missing


def test_the_apps_say_words_at_all():
    """Does the scan find the keys (so the test above cannot pass by finding nothing)?"""
    modules = {module for module, _key in said_keys()}
    assert {
        "page.py",
        "staff.py",
        "quiz.py",
        "classroom.py",
        "dsl.py",
        "launch.py",
        "setup.py",
        "trust.py",
    } <= modules


def test_every_word_is_used():
    """Is every word in the module used by an app or a template (none left behind)?"""
    used = {key for _module, key in said_keys()}
    templates = "".join(path.read_text(encoding="utf-8") for path in TEMPLATES)
    unused = [key for key in WORDS if key not in used and f'"{key}"' not in templates]
    assert not unused


def test_every_key_is_key_shaped():
    """Does every key name its page, so the scan for keys in the apps sees it?"""
    assert all(KEY.match(key) for key in WORDS)


def test_say_fills_placeholders():
    """Does `say` put the values into the sentence?"""
    assert say("launch.cannot_start", error="no content") == "It cannot start: no content"
    assert say("quiz.question", slot=3) == "Question 3"


def test_unknown_key_raises():
    """Does a key with no words raise KeyError?"""
    with pytest.raises(KeyError):
        say("page.no_such_words")


def test_missing_placeholder_raises():
    """Does a sentence left without one of its values raise, rather than show `{name}`?"""
    with pytest.raises(KeyError):
        say("classroom.not_staff", role="pupil")


def test_words_cannot_be_changed_by_accident():
    """Is the mapping read-only, so no page rewrites another's words?"""
    with pytest.raises(TypeError):
        words.WORDS["page.sign_out"] = "Log off"  # type: ignore[index]


def test_staff_constants_take_their_words_from_the_module():
    """Do the staff page's tables, which browser tests import, hold the module's words?"""
    assert OUTCOME_TEXT == {
        "safe": "Safe choice",
        "risky": "Risky choice",
        "unsafe": "Unsafe choice",
    }
    assert SCENARIO_VERB["complete"] == say("staff.scenario_again") == "Play again"
    assert all(key in WORDS for key in QUIZ_BUTTON.values())
    assert say(QUIZ_BUTTON["failed"], title="Scams", score=50) == (
        "Take the quiz again: Scams (best so far 50%)"
    )
