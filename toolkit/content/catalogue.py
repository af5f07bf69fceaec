"""The catalogue: every content file loaded, cross-checked and kept by kind and id."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.content.base import ContentError, Kind, Model, Problem, items, known
from toolkit.content.lesson import LETTER_NAMES, Lesson
from toolkit.content.modules import Module
from toolkit.content.parsing import inspect, kind_of
from toolkit.content.profile import SchoolProfile
from toolkit.content.quiz import QuizBank
from toolkit.content.registry import KINDS
from toolkit.content.scenario import Scenario
from toolkit.content.strict_yaml import read_yaml


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
                        known("schools", self.profiles),
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
    """The content files below root, folder by folder in the order the kinds are registered."""
    folders = dict.fromkeys(kind.folder for kind in KINDS.values())
    return [path for folder in folders for path in sorted((root / folder).glob("*.yaml"))]


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
        kind = KINDS.get(kind_of(data) or "")
        if kind is not None and kind.cites:
            referring.append((name, data))
        if kind is not None and model is not None and not found:
            problems.extend(_join(kind, catalogue, model, name, blob))
    for name, data in referring:
        problems.extend(_check_references(catalogue, data, name))
    if problems:
        raise ContentError(problems)
    return catalogue


def _join(
    kind: Kind, catalogue: Catalogue, model: Model, name: str, blob: bytes
) -> Iterator[Problem]:
    """The model joins its kind's table under its id, unless another file has that id."""
    if kind.add is not None:
        yield from kind.add(catalogue, model, name, blob)
        return
    key = f"{kind.name}:{model.id}"
    if key in catalogue.files:
        yield Problem(
            name,
            "/id",
            f"{kind.name} id {model.id!r} is also used by {catalogue.files[key]}",
            "ids must be unique",
        )
        return
    getattr(catalogue, kind.table)[model.id] = model
    catalogue.files[key] = Path(name)
    catalogue.blobs[key] = blob


def _check_references(catalogue: Catalogue, data: dict, file: str) -> Iterator[Problem]:
    """Modules and cited clauses must exist (checked on raw data, beside any type errors)."""
    module = data.get("module")
    if isinstance(module, str) and catalogue.modules and module not in catalogue.modules:
        yield Problem(file, "/module", f"no module {module!r}", known("modules", catalogue.modules))
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
                known("schools", catalogue.profiles),
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
                for j, citation in enumerate(items(value)):
                    yield f"{path}/cites/{j}", citation
            else:
                yield from _raw_citations(value, f"{path}/{key}")
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _raw_citations(item, f"{path}/{i}")
