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
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

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


class Choice(Model):
    label: Text
    outcome: Outcome
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
        return self.model_copy(
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
                        c.model_copy(update={"cites": [x for x in c.cites if x.startswith(prefix)]})
                        for c in step.choices
                    ]
                }
            )
            for step_id, step in rendered.steps.items()
        }
        return rendered.model_copy(update={"steps": steps})


KINDS: dict[str, type[Model]] = {
    "profile": SchoolProfile,
    "modules": ModuleList,
    "scenario": Scenario,
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


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of keeping the last one."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False):
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"duplicate key {key!r} (first at line {seen[key] + 1})",
                key_node.start_mark,
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(text: str, file: str) -> Any:
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ContentError(
            [Problem(file, where, f"not valid YAML: {err.problem or err}", _YAML_HINT)]
        ) from None


_YAML_HINT = "check the indentation and quote text that contains ': ' or starts with a symbol"


# --- parsing: dict -> typed model, touching no files ----------------------------------


def kind_of(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    for kind, key in (("scenario", "steps"), ("profile", "clauses"), ("modules", "modules")):
        if key in data:
            return kind
    return None


def parse(data: Any, file: str = "<data>", kind: str | None = None) -> Model:
    """Build the typed model for one file's data; raise ContentError with every problem."""
    kind = kind or kind_of(data)
    if kind is None:
        raise ContentError(
            [
                Problem(
                    file,
                    "",
                    "cannot tell what this file is",
                    "a scenario has 'steps', a school profile 'clauses', a module list 'modules'",
                )
            ]
        )
    model = KINDS[kind]
    data = _upgrade(data, file)
    try:
        parsed = model.model_validate(data)
    except ValidationError as err:
        raise ContentError(_problems_from(err, model, file)) from None
    problems = list(_check(parsed, file))
    if problems:
        raise ContentError(problems)
    return parsed


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
        loc = e["loc"]
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


def _check(parsed: Model, file: str) -> Iterator[Problem]:
    if isinstance(parsed, SchoolProfile):
        yield from _check_profile(parsed, file)
    elif isinstance(parsed, ModuleList):
        yield from _check_unique([m.id for m in parsed.modules], "/modules", "module", file)
    elif isinstance(parsed, Scenario):
        yield from _check_scenario(parsed, file)


def _check_unique(ids: list[str], path: str, what: str, file: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for i, item in enumerate(ids):
        if item in seen:
            yield Problem(
                file, f"{path}/{i}/id", f"{what} id {item!r} is used twice", "ids must be unique"
            )
        seen.add(item)


def _check_profile(profile: SchoolProfile, file: str) -> Iterator[Problem]:
    yield from _check_unique([c.id for c in profile.clauses], "/clauses", "clause", file)
    stem = Path(file).stem
    if Path(file).suffix in (".yaml", ".yml") and stem != profile.id:
        yield Problem(
            file,
            "/id",
            f"id {profile.id!r} differs from the file name",
            f"name the file {profile.id}.yaml",
        )


def _check_scenario(scenario: Scenario, file: str) -> Iterator[Problem]:
    steps = scenario.steps
    if scenario.start not in steps:
        yield Problem(file, "/start", f"no step called {scenario.start!r}", _known("steps", steps))
        return
    for step_id, step in steps.items():
        for i, choice in enumerate(step.choices):
            if choice.next is not None and choice.next not in steps:
                yield Problem(
                    file,
                    f"/steps/{step_id}/choices/{i}/next",
                    f"no step called {choice.next!r}",
                    _known("steps", steps),
                )
    reachable = _reachable(scenario)
    for step_id in steps:
        if step_id not in reachable:
            yield Problem(
                file,
                f"/steps/{step_id}",
                f"step {step_id!r} cannot be reached from the start",
                "point a choice's 'next' at it, or remove it",
            )
    ending = _can_end(scenario)
    for step_id in sorted(reachable - ending):
        yield Problem(
            file,
            f"/steps/{step_id}",
            f"from step {step_id!r} the scenario can never end",
            "give a choice no 'next', or lead to a step with no choices",
        )
    problems: list[Problem] = []

    def check_names(path: str, text: str) -> str:
        try:
            names = jinja2.meta.find_undeclared_variables(_TEMPLATES.parse(text))
        except jinja2.TemplateSyntaxError as err:
            problems.append(
                Problem(file, path, f"template error: {err.message}", "write {{ setting_name }}")
            )
            return text
        for name in sorted(names - TEMPLATE_NAMES):
            problems.append(
                Problem(file, path, f"unknown setting {name!r}", _known("settings", TEMPLATE_NAMES))
            )
        return text

    scenario.map_prose(check_names)
    yield from problems


def _reachable(scenario: Scenario) -> set[str]:
    seen, todo = set(), [scenario.start]
    while todo:
        step_id = todo.pop()
        if step_id in seen or step_id not in scenario.steps:
            continue
        seen.add(step_id)
        todo.extend(c.next for c in scenario.steps[step_id].choices if c.next)
    return seen


def _can_end(scenario: Scenario) -> set[str]:
    """Steps from which some path of choices reaches the end."""
    ending: set[str] = set()
    changed = True
    while changed:
        changed = False
        for step_id, step in scenario.steps.items():
            if step_id in ending:
                continue
            if not step.choices or any(c.next is None or c.next in ending for c in step.choices):
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
    files: dict[str, Path] = field(default_factory=dict)
    blobs: dict[str, bytes] = field(default_factory=dict)

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

    def version(self, scenario_id: str, school_id: str) -> str:
        """Changes when the scenario or the school's policy file changes."""
        return content_version(
            self.blobs[f"scenario:{scenario_id}"], self.blobs[f"profile:{school_id}"]
        )

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


def load_file(path: Path, root: Path | None = None) -> tuple[Model, bytes]:
    name = _display(path, root) if root else str(path)
    try:
        blob = path.read_bytes()
        text = blob.decode("utf-8")
    except OSError as err:
        raise ContentError([Problem(name, "", f"cannot read: {err.strerror}")]) from None
    except UnicodeDecodeError:
        raise ContentError(
            [Problem(name, "", "not UTF-8 text", "save the file as UTF-8")]
        ) from None
    return parse(read_yaml(text, name), name), blob


def shipped_files(root: Path) -> list[Path]:
    return sorted((root / "policies").glob("*.yaml")) + sorted(
        (root / "scenarios" / "staff").glob("*.yaml")
    )


def load_catalogue(root: Path, extra: Iterable[Path] = ()) -> Catalogue:
    """Load the shipped content (and any extra files), reporting every problem at once."""
    catalogue, problems, scenario_files = Catalogue(), [], {}
    for path in [*shipped_files(root), *extra]:
        try:
            model, blob = load_file(path, root)
        except ContentError as err:
            problems.extend(err.problems)
            continue
        name = _display(path, root)
        if isinstance(model, SchoolProfile):
            _add(catalogue.profiles, model.id, model, name, catalogue, problems, "profile", blob)
        elif isinstance(model, ModuleList):
            for i, module in enumerate(model.modules):
                if module.id in catalogue.modules:
                    problems.append(
                        Problem(name, f"/modules/{i}/id", f"module {module.id!r} is defined twice")
                    )
                catalogue.modules[module.id] = module
        elif isinstance(model, Scenario):
            _add(catalogue.scenarios, model.id, model, name, catalogue, problems, "scenario", blob)
            scenario_files[model.id] = name
    for scenario_id, name in scenario_files.items():
        problems.extend(_check_references(catalogue, catalogue.scenarios[scenario_id], name))
    if problems:
        raise ContentError(problems)
    return catalogue


def _add(table, key, model, name, catalogue, problems, kind, blob) -> None:
    if key in table and catalogue.files[f"{kind}:{key}"] != Path(name):
        problems.append(
            Problem(
                name, "/id", f"{kind} id {key!r} is also used by {catalogue.files[f'{kind}:{key}']}"
            )
        )
        return
    table[key] = model
    catalogue.files[f"{kind}:{key}"] = Path(name)
    catalogue.blobs[f"{kind}:{key}"] = blob


def _check_references(catalogue: Catalogue, scenario: Scenario, file: str) -> Iterator[Problem]:
    if scenario.module not in catalogue.modules:
        yield Problem(
            file, "/module", f"no module {scenario.module!r}", _known("modules", catalogue.modules)
        )
    for step_id, step in scenario.steps.items():
        for i, choice in enumerate(step.choices):
            for j, citation in enumerate(choice.cites):
                school_id, clause_id = citation.split("#")
                path = f"/steps/{step_id}/choices/{i}/cites/{j}"
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


def json_schemas() -> dict[str, dict]:
    """JSON Schemas for editors, one per kind of content file."""
    return {kind: model.model_json_schema() for kind, model in KINDS.items()}
