"""Content as data: typed school profiles, modules and branching scenarios, validated with precise errors."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

import jinja2
import jinja2.meta
import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    ValidationError,
)

SCHEMA_VERSION = 1

Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]
Text = Annotated[str, StringConstraints(min_length=1)]
Citation = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*#[a-z0-9][a-z0-9-]*$")]
Outcome = Literal["safe", "risky", "unsafe"]
Role = Literal["teacher", "support", "volunteer", "governor"]
ROLES: tuple[str, ...] = get_args(Role)
Audience = Literal["staff", "governors", "pupils", "parents"]
Strength = Literal["must", "should", "advice"]


class Model(BaseModel):
    """Strict: unknown keys are refused and YAML booleans or numbers are not text."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --- school profile -------------------------------------------------------------------


class PolicyInfo(Model):
    title: Text
    approved: Text = Field(description="When the policy was approved, as written in it.")
    review: Text = Field(description="When the policy is due for review.")


class SchoolSettings(Model):
    """What differs between schools; content text uses these by name."""

    headteacher: Text = Field(description="Title of the head, e.g. 'the headteacher'.")
    dsl: Text = Field(description="Title of the safeguarding lead.")
    contact_report_to: Text = Field(
        description="Who staff tell about a friend request or contact attempt from a pupil or parent."
    )
    inappropriate_content_report_to: Text = Field(
        description="Who staff tell when inappropriate content is accessed on a school device."
    )
    bullying_support_from: Text = Field(
        description="Who staff go to for support when they are bullied online."
    )
    bullying_report_to: Text = Field(
        description="Who staff report cyberbullying or trolling aimed at them to."
    )
    safeguarding_report_to: Text = Field(
        description="Who staff tell, the same day, about a safeguarding concern seen online "
        "(radicalisation, grooming, a disclosure, indecent images)."
    )
    personal_use_at_work: Literal[
        "break_times_personal_device",
        "break_or_lunch_no_children",
        "own_time_only",
        "never_in_working_hours",
    ]
    parents_as_friends: Literal["must_not", "not_advisable", "be_cautious"]
    pupil_relatives: Literal["allowed_if_acknowledged", "not_mentioned"]
    official_channels: Text = Field(description="How staff contact pupils and families.")
    min_social_media_age: int = Field(ge=0, le=21)
    pass_mark: int = Field(ge=0, le=100, description="Quiz pass mark, in percent.")
    refresher_months: int = Field(ge=1, le=120)


class Clause(Model):
    id: Slug
    section: Text
    text: Text = Field(description="The policy's own words.")
    audience: list[Audience] = Field(min_length=1)
    strength: Strength


class SchoolProfile(Model):
    schema_version: int
    id: Slug
    name: Text
    policy: PolicyInfo
    settings: SchoolSettings
    clauses: list[Clause] = Field(min_length=1)

    def clause(self, clause_id: str) -> Clause:
        return next(c for c in self.clauses if c.id == clause_id)

    def template_values(self) -> dict[str, Any]:
        return {"school": self.name, **self.settings.model_dump()}

    def render(self, text: str) -> str:
        """One piece of content text with this school's settings filled in."""
        return _TEMPLATES.from_string(text).render(self.template_values())


TEMPLATE_NAMES = frozenset({"school", *SchoolSettings.model_fields})


# --- modules --------------------------------------------------------------------------


class Module(Model):
    id: Slug
    title: Text
    summary: Text
    order: int = Field(ge=1)
    minutes: int = Field(ge=1, le=240, description="Estimated minutes to complete.")
    roles: list[Role] = Field(min_length=1)
    due_days: int = Field(ge=1, le=730, description="Days after the learner's start date.")


class ModuleList(Model):
    schema_version: int
    modules: list[Module] = Field(min_length=1)


# --- branching scenario ---------------------------------------------------------------


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


class Choice(Model):
    label: Text
    outcome: ChoiceOutcome = Field(
        description="safe, risky or unsafe; or, where schools differ, a mapping that follows a setting."
    )
    feedback: Text
    next: Slug | None = Field(None, description="The step that follows; none ends the scenario.")
    cites: list[Citation] = Field(min_length=1)


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

    def map_prose(self, fn: Callable[[str, str], str]) -> Scenario:
        """A copy with every piece of prose passed through fn(key_path, text)."""
        steps = {
            step_id: Step(
                text=fn(f"/steps/{step_id}/text", step.text),
                choices=[
                    choice.model_copy(
                        update={
                            "label": fn(f"/steps/{step_id}/choices/{i}/label", choice.label),
                            "feedback": fn(
                                f"/steps/{step_id}/choices/{i}/feedback", choice.feedback
                            ),
                        }
                    )
                    for i, choice in enumerate(step.choices)
                ],
            )
            for step_id, step in self.steps.items()
        }
        return self.model_copy(  # the prose keys here are mirrored by _raw_prose
            update={
                "title": fn("/title", self.title),
                "summary": fn("/summary", self.summary),
                "steps": steps,
            }
        )

    def for_school(self, profile: SchoolProfile) -> Scenario:
        """The scenario as one school reads it: settings filled in, only its own citations."""
        values = profile.template_values()
        rendered = self.map_prose(lambda _path, text: _TEMPLATES.from_string(text).render(values))
        prefix = f"{profile.id}#"
        steps = {
            step_id: step.model_copy(
                update={
                    "choices": [
                        c.model_copy(
                            update={
                                "cites": [x for x in c.cites if x.startswith(prefix)],
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


# --- module quiz bank -----------------------------------------------------------------


class QuizOption(Model):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z]$")] = Field(
        description="A letter, a to z."
    )
    text: Text
    correct: bool
    feedback: Text = Field(description="Why this option is right or wrong.")


class QuizQuestion(Model):
    id: Slug
    kind: Literal["single", "multiple"] = Field(description="One right option, or several.")
    text: Text
    options: list[QuizOption] = Field(min_length=3, max_length=6)
    cites: list[Citation] = Field(min_length=1)

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

    def map_prose(self, fn: Callable[[str, str], str]) -> QuizBank:
        """A copy with every piece of prose passed through fn(key_path, text)."""
        questions = [
            q.model_copy(
                update={
                    "text": fn(f"/questions/{i}/text", q.text),
                    "options": [
                        o.model_copy(
                            update={
                                "text": fn(f"/questions/{i}/options/{j}/text", o.text),
                                "feedback": fn(f"/questions/{i}/options/{j}/feedback", o.feedback),
                            }
                        )
                        for j, o in enumerate(q.options)
                    ],
                }
            )
            for i, q in enumerate(self.questions)
        ]
        reflection = self.reflection.model_copy(
            update={"prompt": fn("/reflection/prompt", self.reflection.prompt)}
        )
        return self.model_copy(
            update={
                "title": fn("/title", self.title),
                "questions": questions,
                "reflection": reflection,
            }
        )

    def for_school(self, profile: SchoolProfile) -> QuizBank:
        """The bank as one school reads it: settings filled in, only its own citations."""
        values = profile.template_values()
        rendered = self.map_prose(lambda _path, text: _TEMPLATES.from_string(text).render(values))
        prefix = f"{profile.id}#"
        questions = [
            q.model_copy(update={"cites": [c for c in q.cites if c.startswith(prefix)]})
            for q in rendered.questions
        ]
        return rendered.model_copy(update={"questions": questions})


# --- pupil lessons ---------------------------------------------------------------------

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
        values = profile.template_values()
        data = _map_strings(
            self.model_dump(), lambda text: _TEMPLATES.from_string(text).render(values)
        )
        return Lesson.model_validate(data)

    def pupil_text(self) -> list[str]:
        """Everything pupils see or hear: all but the teacher notes and objectives."""
        data = self.model_dump(
            exclude={"teacher_notes", "objectives", "strands", "id", "letter", "band", "minutes"}
        )
        return [
            text for path, text in _strings(data, "") if path.rsplit("/", 1)[-1] not in _ID_KEYS
        ]


_ID_KEYS = {"id", "type", "bin", "letter", "band"}


def _map_strings(data: Any, fn: Callable[[str], str], key: str = "") -> Any:
    if isinstance(data, dict):
        return {k: _map_strings(v, fn, k) for k, v in data.items()}
    if isinstance(data, list):
        return [_map_strings(v, fn, key) for v in data]
    if isinstance(data, str) and key not in _ID_KEYS:
        return fn(data)
    return data


def _strings(data: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, f"{path}/{key}")
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _strings(value, f"{path}/{i}")
    elif isinstance(data, str):
        yield path, data


KINDS: dict[str, type[Model]] = {
    "profile": SchoolProfile,
    "modules": ModuleList,
    "scenario": Scenario,
    "quiz": QuizBank,
    "lesson": Lesson,
}

_TEMPLATES = jinja2.Environment(
    undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True
)


# --- problems -------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.file}: {self.path or '/'}: {self.message}"
        return f"{text}\n    Hint: {self.hint}" if self.hint else text


class ContentError(Exception):
    """One or more problems in content files, all reported together."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        super().__init__(
            f"{count} problem{'s' * (count != 1)} in content:\n"
            + "\n".join(str(p) for p in self.problems)
        )


# --- reading YAML ---------------------------------------------------------------------


# Content nests a few levels deep; a cap keeps a hostile file from exhausting the stack.
MAX_DEPTH = 40


class _YamlProblem(yaml.MarkedYAMLError):
    """A problem found while reading YAML, with the line it is on and what to do."""

    def __init__(self, problem: str, mark: yaml.Mark | None, hint: str):
        super().__init__(problem=problem, problem_mark=mark)
        self.hint = hint


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses what content never needs and a hostile file can abuse.

    Duplicate keys (YAML would keep the last one silently), keys that are not plain
    text, anchors and aliases (an alias bomb expands to billions of strings) and
    nesting deeper than MAX_DEPTH (Python's stack ends first).
    """

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _YamlProblem(
                "anchors and aliases (&name, *name) are not read in content files",
                event.start_mark,
                "write the text out in full where it is needed",
            )
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                raise _YamlProblem(
                    f"nested more than {MAX_DEPTH} levels deep",
                    event.start_mark,
                    "content needs only a few levels: check the brackets and indentation",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as err:  # e.g. a date such as 2026-13-45
            problem = f"cannot read {node.value!r}: {err}"
            raise _YamlProblem(problem, node.start_mark, "put the value in quotes") from None


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _YamlProblem(
                f"a key here is a {'list' if isinstance(key_node, yaml.SequenceNode) else 'mapping'}, not text",
                key_node.start_mark,
                "keys are plain words; quote text that starts with '{', '[' or '?'",
            )
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise _YamlProblem(
                f"duplicate key {key!r} (first at line {seen[key] + 1})",
                key_node.start_mark,
                "a key may appear only once here: rename or remove one",
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(text: str, file: str) -> Any:
    """The data of one YAML text; ContentError with the line for anything malformed."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        hint = getattr(err, "hint", _TAB_HINT if "'\\t'" in str(err.problem) else _YAML_HINT)
        problem = f"not valid YAML: {err.problem or err}"
        raise ContentError([Problem(file, where, problem, hint)]) from None
    except yaml.reader.ReaderError as err:  # a control character, e.g. in a binary file
        line = text.count("\n", 0, err.position) + 1
        column = err.position - text.rfind("\n", 0, err.position)
        where = f"line {line}, column {column}"
        problem = f"not text: character #x{err.character:04x} is not allowed"
        hint = "save the content as plain UTF-8 text"
        raise ContentError([Problem(file, where, problem, hint)]) from None


_YAML_HINT = "check the indentation and quote text that contains ': ' or starts with a symbol"
_TAB_HINT = "indent with spaces: YAML does not allow tabs there"


# --- parsing: dict -> typed model, touching no files ----------------------------------


def kind_of(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    for kind, key in (
        ("scenario", "steps"),
        ("profile", "clauses"),
        ("modules", "modules"),
        ("quiz", "questions"),
        ("lesson", "activities"),
    ):
        if key in data:
            return kind
    return None


def parse(data: Any, file: str = "<data>", kind: str | None = None) -> Model:
    """Build the typed model for one file's data; raise ContentError with every problem."""
    model, problems = inspect(data, file, kind)
    if problems:
        raise ContentError(problems)
    return model


def inspect(data: Any, file: str, kind: str | None = None) -> tuple[Model | None, list[Problem]]:
    """The typed model (None if it cannot be built) and every problem found in the file."""
    kind = kind or kind_of(data)
    if kind is None:
        hint = "a scenario has 'steps', a school profile 'clauses', a module list 'modules', a quiz 'questions', a lesson 'activities'"
        return None, [Problem(file, "", "cannot tell what this file is", hint)]
    try:
        data = _upgrade(data, file)
    except ContentError as err:
        return None, err.problems
    model_class = KINDS[kind]
    try:
        model, problems = model_class.model_validate(data), []
    except ValidationError as err:
        model, problems = None, _problems_from(err, model_class, file)
    # Checks between keys run on the raw data, so they are reported even beside type errors.
    problems.extend(CHECKS[kind](data, file))
    return model, problems


def _upgrade(data: dict, file: str) -> dict:
    version = data.get("schema_version")
    if isinstance(version, int) and not isinstance(version, bool):
        if version < 1:
            raise ContentError([Problem(file, "/schema_version", "schema_version starts at 1")])
        if version > SCHEMA_VERSION:
            raise ContentError(
                [
                    Problem(
                        file,
                        "/schema_version",
                        f"written for content format {version}; this toolkit reads up to {SCHEMA_VERSION}",
                        "upgrade the toolkit",
                    )
                ]
            )
        for old in range(version, SCHEMA_VERSION):
            data = UPGRADES[old](data)
    return data


# Upgrade functions from format N to N + 1; empty while only format 1 exists.
UPGRADES: dict[int, Callable[[dict], dict]] = {}


def _problems_from(err: ValidationError, model: type[BaseModel], file: str) -> list[Problem]:
    problems = []
    for e in err.errors():
        loc = tuple(part for part in e["loc"] if part not in ("fixed", "by-setting"))  # union tags
        path = "/" + "/".join(str(part) for part in loc)
        value = e.get("input")
        kind = e["type"]
        message, hint = e["msg"], ""
        if kind == "extra_forbidden":
            message = f"unknown key {loc[-1]!r}"
            allowed = _allowed_keys(model, loc[:-1])
            hint = f"allowed keys here: {', '.join(allowed)}" if allowed else "remove it"
        elif kind == "missing":
            message = "required key is missing"
            hint = f"add '{loc[-1]}:'"
        elif isinstance(value, bool):
            message = f"YAML read this as {str(value).lower()}, not text: {e['msg']}"
            hint = 'put the value in quotes, e.g. "No" or "off"'
        elif isinstance(value, int | float) and kind in ("string_type", "literal_error"):
            message = f"YAML read this as a number, not text: {e['msg']}"
            hint = "put the value in quotes"
        elif kind == "string_pattern_mismatch" and "cites" in loc:
            message = f"citation {value!r} is not of the form school-id#clause-id"
            hint = 'e.g. "barley-lane-primary#staff-use-4"'
        elif kind == "string_pattern_mismatch":
            message = f"{value!r} is not an id: use lower-case letters, digits and hyphens"
        elif kind == "int_type" and isinstance(value, str):
            message = f"expected a whole number, got text {value!r}"
            hint = "remove the quotes"
        problems.append(Problem(file, path, message, hint))
    return problems


def _allowed_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names of the model found at loc, for an 'unknown key' hint."""
    current: Any = model
    for part in loc:
        if isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(str(part))
            current = info.annotation if info else None
        elif get_origin(current) in (list, dict):
            current = get_args(current)[-1]
        else:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _items(value: Any) -> list:
    return value if isinstance(value, list) else []


def _check_unique(items: Any, path: str, what: str, file: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, item in enumerate(_items(items)):
        item_id = _mapping(item).get("id")
        if not isinstance(item_id, str):
            continue
        if item_id in seen:
            yield Problem(
                file, f"{path}/{i}/id", f"{what} id {item_id!r} is used twice", "ids must be unique"
            )
        seen.add(item_id)


def _check_profile(data: dict, file: str) -> Iterator[Problem]:
    yield from _check_unique(data.get("clauses"), "/clauses", "clause", file)
    school_id = data.get("id")
    path = Path(file)
    if isinstance(school_id, str) and path.suffix in (".yaml", ".yml") and path.stem != school_id:
        yield Problem(
            file,
            "/id",
            f"id {school_id!r} differs from the file name",
            f"name the file {school_id}.yaml",
        )


def _check_modules(data: dict, file: str) -> Iterator[Problem]:
    yield from _check_unique(data.get("modules"), "/modules", "module", file)


def _graph(data: dict) -> dict[str, list[str | None]]:
    """Each step's list of next steps (None: the choice ends the scenario), from raw data."""
    graph = {}
    for step_id, step in _mapping(data.get("steps")).items():
        nexts = [_mapping(c).get("next") for c in _items(_mapping(step).get("choices"))]
        graph[str(step_id)] = [n if isinstance(n, str) else None for n in nexts]
    return graph


def _check_scenario(data: dict, file: str) -> Iterator[Problem]:
    graph, start = _graph(data), data.get("start")
    if isinstance(start, str) and graph and start not in graph:
        yield Problem(file, "/start", f"no step called {start!r}", _known("steps", graph))
    for step_id, nexts in graph.items():
        for i, following in enumerate(nexts):
            if following is not None and following not in graph:
                yield Problem(
                    file,
                    f"/steps/{step_id}/choices/{i}/next",
                    f"no step called {following!r}",
                    _known("steps", graph),
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
    for path, text in _raw_prose(data):
        yield from _check_template(text, path, file)
    for step_id, step in _mapping(data.get("steps")).items():
        for i, choice in enumerate(_items(_mapping(step).get("choices"))):
            yield from _check_outcome_cases(
                _mapping(choice).get("outcome"), f"/steps/{step_id}/choices/{i}/outcome", file
            )


def _check_outcome_cases(outcome: Any, path: str, file: str) -> Iterator[Problem]:
    values = CHOICE_SETTINGS.get(_mapping(outcome).get("setting"))
    if values is None:
        return
    for value in _mapping(_mapping(outcome).get("cases")):
        if value not in values:
            yield Problem(
                file,
                f"{path}/cases/{value}",
                f"{value!r} is not a value of {outcome['setting']}",
                f"use one of: {', '.join(values)}",
            )


def _raw_prose(data: dict) -> Iterator[tuple[str, str]]:
    """The scenario's prose with its key paths, from raw data (mirrors Scenario.map_prose)."""
    for key in ("title", "summary"):
        yield f"/{key}", data.get(key)
    for step_id, step in _mapping(data.get("steps")).items():
        yield f"/steps/{step_id}/text", _mapping(step).get("text")
        for i, choice in enumerate(_items(_mapping(step).get("choices"))):
            for key in ("label", "feedback"):
                yield f"/steps/{step_id}/choices/{i}/{key}", _mapping(choice).get(key)


def _check_template(text: Any, path: str, file: str) -> Iterator[Problem]:
    if not isinstance(text, str):
        return
    try:
        names = jinja2.meta.find_undeclared_variables(_TEMPLATES.parse(text))
    except jinja2.TemplateSyntaxError as err:
        yield Problem(
            file, path, f"template error: {err.message}", "write a setting as {{ setting_name }}"
        )
        return
    for name in sorted(names - TEMPLATE_NAMES):
        yield Problem(file, path, f"unknown setting {name!r}", _known("settings", TEMPLATE_NAMES))


def _check_quiz(data: dict, file: str) -> Iterator[Problem]:
    questions = _items(data.get("questions"))
    yield from _check_unique(questions, "/questions", "question", file)
    minimum = max(8, data.get("draw", 5) if isinstance(data.get("draw"), int) else 5)
    if len(questions) < minimum:
        yield Problem(
            file,
            "/questions",
            f"{len(questions)} questions; a bank needs at least {minimum}",
            "a bank larger than one sitting lets each attempt draw afresh",
        )
    kinds = {_mapping(q).get("kind") for q in questions}
    if questions and not {"single", "multiple"} <= kinds:
        yield Problem(file, "/questions", "a bank needs both single- and multiple-answer questions")
    for i, question in enumerate(questions):
        yield from _check_question(_mapping(question), f"/questions/{i}", file)
    for path, text in _raw_quiz_prose(data):
        yield from _check_template(text, path, file)


def _check_question(question: dict, path: str, file: str) -> Iterator[Problem]:
    options = [_mapping(o) for o in _items(question.get("options"))]
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


def _raw_quiz_prose(data: dict) -> Iterator[tuple[str, Any]]:
    """The bank's prose with its key paths, from raw data (mirrors QuizBank.map_prose)."""
    yield "/title", data.get("title")
    yield "/reflection/prompt", _mapping(data.get("reflection")).get("prompt")
    for i, question in enumerate(_items(data.get("questions"))):
        yield f"/questions/{i}/text", _mapping(question).get("text")
        for j, option in enumerate(_items(_mapping(question).get("options"))):
            for key in ("text", "feedback"):
                yield f"/questions/{i}/options/{j}/{key}", _mapping(option).get(key)


def _check_lesson(data: dict, file: str) -> Iterator[Problem]:
    activities = _items(data.get("activities"))
    yield from _check_unique(activities, "/activities", "activity", file)
    for i, activity in enumerate(activities):
        activity = _mapping(activity)
        path = f"/activities/{i}"
        if activity.get("type") == "card_sort":
            bins = {_mapping(b).get("id") for b in _items(activity.get("bins"))}
            yield from _check_unique(activity.get("cards"), f"{path}/cards", "card", file)
            for j, card in enumerate(_items(activity.get("cards"))):
                target = _mapping(card).get("bin")
                if isinstance(target, str) and target not in bins:
                    yield Problem(
                        file,
                        f"{path}/cards/{j}/bin",
                        f"no bin called {target!r}",
                        _known("bins", map(str, bins)),
                    )
        elif activity.get("type") == "vote":
            if not any(_mapping(o).get("best") is True for o in _items(activity.get("options"))):
                yield Problem(file, f"{path}/options", "a vote needs one option marked best: true")
        elif activity.get("type") == "what_next":
            if not any(_mapping(o).get("safe") is True for o in _items(activity.get("options"))):
                yield Problem(
                    file, f"{path}/options", "choose-what-happens-next needs a safe option"
                )
    for path, text in _strings(data, ""):
        if path.rsplit("/", 1)[-1] not in _ID_KEYS:
            yield from _check_template(text, path, file)


CHECKS: dict[str, Callable[[dict, str], Iterator[Problem]]] = {
    "lesson": _check_lesson,
    "profile": _check_profile,
    "modules": _check_modules,
    "quiz": _check_quiz,
    "scenario": _check_scenario,
}


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


def _known(what: str, names: Iterable[str]) -> str:
    return f"known {what}: {', '.join(sorted(names))}"


# --- loading files and the whole catalogue --------------------------------------------


def content_version(*blobs: bytes) -> str:
    digest = hashlib.sha256()
    for blob in blobs:
        digest.update(hashlib.sha256(blob).digest())
    return digest.hexdigest()[:16]


@dataclass
class Catalogue:
    """All content of a toolkit: profiles, modules and scenarios, cross-checked."""

    profiles: dict[str, SchoolProfile] = field(default_factory=dict)
    modules: dict[str, Module] = field(default_factory=dict)
    scenarios: dict[str, Scenario] = field(default_factory=dict)
    quizzes: dict[str, QuizBank] = field(default_factory=dict)
    lessons: dict[str, Lesson] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    blobs: dict[str, bytes] = field(default_factory=dict)
    rendered: dict[tuple[str, str], Scenario] = field(default_factory=dict, repr=False)

    def profile(self, school_id: str) -> SchoolProfile:
        try:
            return self.profiles[school_id]
        except KeyError:
            raise ContentError(
                [
                    Problem(
                        "policies/",
                        "",
                        f"no school profile {school_id!r}",
                        _known("schools", self.profiles),
                    )
                ]
            ) from None

    def scenario_for(self, scenario_id: str, school_id: str) -> Scenario:
        """The scenario as the school reads it, rendered once per catalogue (and kept in the
        content cache, so a page's kernel does not render every scenario again at sign-in)."""
        key = (scenario_id, school_id)
        if key not in self.rendered:
            self.rendered[key] = self.scenarios[scenario_id].for_school(self.profile(school_id))
        return self.rendered[key]

    def version(self, scenario_id: str, school_id: str) -> str:
        """Changes when the scenario or the school's policy file changes."""
        return content_version(
            self.blobs[f"scenario:{scenario_id}"], self.blobs[f"profile:{school_id}"]
        )

    def lesson_version(self, lesson_id: str) -> str:
        return content_version(self.blobs[f"lesson:{lesson_id}"])

    def lessons_for(self, band: str) -> list[Lesson]:
        order = list(LETTER_NAMES)
        return sorted(
            (x for x in self.lessons.values() if x.band == band),
            key=lambda x: (order.index(x.letter), x.id),
        )

    def quiz_version(self, module_id: str, school_id: str) -> str:
        return content_version(self.blobs[f"quiz:{module_id}"], self.blobs[f"profile:{school_id}"])

    def scenarios_in(self, module_id: str) -> list[Scenario]:
        return sorted(
            (s for s in self.scenarios.values() if s.module == module_id), key=lambda s: s.id
        )

    def modules_for(self, role: str) -> list[Module]:
        """The modules that apply to a role and have content, in order."""
        return sorted(
            (m for m in self.modules.values() if role in m.roles and self.scenarios_in(m.id)),
            key=lambda m: (m.order, m.id),
        )


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)


def read_file(path: Path, name: str) -> tuple[Any, bytes]:
    """The file's YAML data and its bytes (for the content version)."""
    try:
        blob = path.read_bytes()
        text = blob.decode("utf-8")
    except OSError as err:
        raise ContentError([Problem(name, "", f"cannot read: {err.strerror}")]) from None
    except UnicodeDecodeError as err:
        line = blob.count(b"\n", 0, err.start) + 1
        where = f"line {line}"
        raise ContentError(
            [Problem(name, where, "not UTF-8 text", "save the file as UTF-8")]
        ) from None
    data = read_yaml(text, name)
    if data is None:
        hint = "copy a shipped file of the same kind and change it"
        raise ContentError([Problem(name, "line 1", "the file holds no content", hint)])
    return data, blob


def shipped_files(root: Path) -> list[Path]:
    return [
        *sorted((root / "policies").glob("*.yaml")),
        *sorted((root / "scenarios" / "staff").glob("*.yaml")),
        *sorted((root / "scenarios" / "quizzes").glob("*.yaml")),
        *sorted((root / "scenarios" / "pupils").glob("*.yaml")),
    ]


def load_catalogue(root: Path, extra: Iterable[Path] = ()) -> Catalogue:
    """Load the shipped content (and any extra files), reporting every problem at once."""
    catalogue, problems, referring = Catalogue(), [], []
    for path in dict.fromkeys(p.resolve() for p in [*shipped_files(root), *extra]):
        name = _display(path, root)
        try:
            data, blob = read_file(path, name)
        except ContentError as err:
            problems.extend(err.problems)
            continue
        model, found = inspect(data, name)
        problems.extend(found)
        if kind_of(data) in ("scenario", "quiz"):
            referring.append((name, data))
        if model is not None and not found:
            problems.extend(_register(catalogue, model, name, blob))
    for name, data in referring:
        problems.extend(_check_references(catalogue, data, name))
    if problems:
        raise ContentError(problems)
    return catalogue


def _register(catalogue: Catalogue, model: Model, name: str, blob: bytes) -> Iterator[Problem]:
    if isinstance(model, ModuleList):
        for i, module in enumerate(model.modules):
            if module.id in catalogue.modules:
                yield Problem(name, f"/modules/{i}/id", f"module {module.id!r} is defined twice")
            catalogue.modules[module.id] = module
        return
    kind, table = {
        SchoolProfile: ("profile", catalogue.profiles),
        Scenario: ("scenario", catalogue.scenarios),
        QuizBank: ("quiz", catalogue.quizzes),
        Lesson: ("lesson", catalogue.lessons),
    }[type(model)]
    key = f"{kind}:{model.id}"
    if key in catalogue.files:
        yield Problem(
            name,
            "/id",
            f"{kind} id {model.id!r} is also used by {catalogue.files[key]}",
            "ids must be unique",
        )
        return
    table[model.id] = model
    catalogue.files[key] = Path(name)
    catalogue.blobs[key] = blob


def _check_references(catalogue: Catalogue, data: dict, file: str) -> Iterator[Problem]:
    """Modules and cited clauses must exist (checked on raw data, beside any type errors)."""
    module = data.get("module")
    if isinstance(module, str) and catalogue.modules and module not in catalogue.modules:
        yield Problem(
            file, "/module", f"no module {module!r}", _known("modules", catalogue.modules)
        )
    for path, citation in _raw_citations(data, ""):
        if not isinstance(citation, str) or citation.count("#") != 1:
            continue  # the schema reports its form
        school_id, clause_id = citation.split("#")
        profile = catalogue.profiles.get(school_id)
        if profile is None:
            yield Problem(
                file,
                path,
                f"no school profile {school_id!r}",
                _known("schools", catalogue.profiles),
            )
        elif clause_id not in {c.id for c in profile.clauses}:
            yield Problem(
                file,
                path,
                f"{school_id} has no clause {clause_id!r}",
                f"see the clause ids in policies/{school_id}.yaml",
            )


def _raw_citations(data: Any, path: str) -> Iterator[tuple[str, Any]]:
    """Every entry of every 'cites' list in raw data, with its key path."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "cites":
                for j, citation in enumerate(_items(value)):
                    yield f"{path}/cites/{j}", citation
            else:
                yield from _raw_citations(value, f"{path}/{key}")
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _raw_citations(item, f"{path}/{i}")


def json_schemas() -> dict[str, dict]:
    """JSON Schemas for editors, one per kind of content file."""
    return {kind: model.model_json_schema() for kind, model in KINDS.items()}
