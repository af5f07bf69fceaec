"""Content as data: school profiles, modules, scenarios, quiz banks and lessons, validated with precise errors.

The package owns the content files' schema (typed models, strict YAML, checks between
keys, JSON Schema export), loading them into a cross-checked Catalogue, and filling each
school's settings into the shared text. Of the toolkit it may import only toolkit.settings
(and the version, for the cache); the rest imports the names below from here.
"""

from __future__ import annotations

from toolkit.content.base import Citation, ContentError, Kind, Model, Problem, Slug, Text
from toolkit.content.catalogue import (
    Catalogue,
    content_version,
    load_catalogue,
    read_file,
    shipped_files,
)
from toolkit.content.lesson import (
    BANDS,
    LETTER_NAMES,
    Activity,
    Band,
    Bin,
    Card,
    CardSort,
    Lesson,
    Letter,
    NextOption,
    RealOrFake,
    RealOrFakeItem,
    Story,
    Strand,
    Vote,
    VoteOption,
    WhatNext,
)
from toolkit.content.modules import ROLES, Module, ModuleList, Role
from toolkit.content.parsing import (
    SCHEMA_VERSION,
    UPGRADES,
    inspect,
    json_schemas,
    kind_of,
    parse,
    problems_from,
    upgrade,
)
from toolkit.content.profile import (
    TEMPLATE_NAMES,
    Audience,
    Clause,
    PolicyInfo,
    SchoolProfile,
    SchoolSettings,
    Strength,
)
from toolkit.content.quiz import QuizBank, QuizOption, QuizQuestion, Reflection
from toolkit.content.registry import KINDS
from toolkit.content.scenario import (
    CHOICE_SETTINGS,
    Choice,
    ChoiceOutcome,
    Outcome,
    OutcomeBySetting,
    Scenario,
    Step,
)
from toolkit.content.strict_yaml import MAX_DEPTH, read_yaml
from toolkit.content.text import TextFields

__all__ = [
    "BANDS",
    "CHOICE_SETTINGS",
    "KINDS",
    "LETTER_NAMES",
    "MAX_DEPTH",
    "ROLES",
    "SCHEMA_VERSION",
    "TEMPLATE_NAMES",
    "UPGRADES",
    "Activity",
    "Audience",
    "Band",
    "Bin",
    "Card",
    "CardSort",
    "Catalogue",
    "Choice",
    "ChoiceOutcome",
    "Citation",
    "Clause",
    "ContentError",
    "Kind",
    "Lesson",
    "Letter",
    "Model",
    "Module",
    "ModuleList",
    "NextOption",
    "Outcome",
    "OutcomeBySetting",
    "PolicyInfo",
    "Problem",
    "QuizBank",
    "QuizOption",
    "QuizQuestion",
    "RealOrFake",
    "RealOrFakeItem",
    "Reflection",
    "Role",
    "SchoolProfile",
    "SchoolSettings",
    "Scenario",
    "Slug",
    "Step",
    "Story",
    "Strand",
    "Strength",
    "Text",
    "TextFields",
    "Vote",
    "VoteOption",
    "WhatNext",
    "content_version",
    "inspect",
    "json_schemas",
    "kind_of",
    "load_catalogue",
    "parse",
    "problems_from",
    "read_file",
    "read_yaml",
    "shipped_files",
    "upgrade",
]
