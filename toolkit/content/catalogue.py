"""The catalogue: every content file loaded, cross-checked and kept by kind and id."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.content import imported
from toolkit.content.base import ContentError, Kind, Model, Problem, items, known
from toolkit.content.guidance import GuidanceDocument
from toolkit.content.lesson import LETTER_NAMES, Lesson
from toolkit.content.modules import Module
from toolkit.content.parsing import inspect, kind_of
from toolkit.content.profile import SchoolProfile
from toolkit.content.quiz import QuizBank
from toolkit.content.registry import KINDS
from toolkit.content.scenario import Scenario
from toolkit.content.strict_yaml import read_yaml
from toolkit.resources import shipped_root


def content_version(*blobs: bytes) -> str:
    digest = hashlib.sha256()
    for blob in blobs:
        digest.update(hashlib.sha256(blob).digest())
    return digest.hexdigest()[:16]


@dataclass
class Catalogue:
    """All content of a toolkit: profiles, modules and scenarios, cross-checked."""

    profiles: dict[str, SchoolProfile] = field(default_factory=dict)
    guidance: dict[str, GuidanceDocument] = field(default_factory=dict)
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
    """The content files below root, folder by folder in the order the kinds are registered;
    national guidance comes from the toolkit's own content where root has none of its own."""
    folders = {}
    for kind in KINDS.values():
        here = root / kind.folder
        folders.setdefault(
            kind.folder,
            shipped_root() / kind.folder if kind.national and not here.is_dir() else here,
        )
    return [path for folder in folders.values() for path in sorted(folder.glob("*.yaml"))]


def load_catalogue(
    root: Path, extra: Iterable[Path] = (), schools: Path | None = None
) -> Catalogue:
    """Load the shipped content (and any extra files, and the schools imported into the
    `schools` folder with their confirmed citations), reporting every problem at once."""
    catalogue, problems, referring = Catalogue(), [], []
    files = [*shipped_files(root), *extra, *imported.profile_files(schools)]
    for path in dict.fromkeys(p.resolve() for p in files):
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
    if not problems:
        problems.extend(imported.join(catalogue, schools))
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
    """Modules, cited clauses and guidance must exist (checked on raw data, beside type errors)."""
    module = data.get("module")
    if isinstance(module, str) and catalogue.modules and module not in catalogue.modules:
        yield Problem(file, "/module", f"no module {module!r}", known("modules", catalogue.modules))
    for path, key, citation in _raw_citations(data, ""):
        if not isinstance(citation, str) or citation.count("#") != 1:
            continue  # the schema reports its form
        if key == "cites":
            yield from _check_clause(catalogue, citation, path, file)
        elif key == "guidance":
            yield from _check_paragraph(catalogue, citation, path, file)
    for path, entry in _sourced(data, ""):
        yield from _check_silences(catalogue, entry, path, file)


def _check_clause(catalogue: Catalogue, citation: str, path: str, file: str) -> Iterator[Problem]:
    school_id, clause_id = citation.split("#")
    profile = catalogue.profiles.get(school_id)
    if profile is None:
        hint = known("schools", catalogue.profiles)
        if school_id in catalogue.guidance:
            hint = f"{school_id} is national guidance: cite it under 'guidance'"
        yield Problem(file, path, f"no school profile {school_id!r}", hint)
    elif clause_id not in {c.id for c in profile.clauses}:
        yield Problem(
            file, path, f"{school_id} has no clause {clause_id!r}", f"see policies/{school_id}.yaml"
        )


def _check_paragraph(
    catalogue: Catalogue, citation: str, path: str, file: str
) -> Iterator[Problem]:
    doc_id, paragraph_id = citation.split("#")
    document = catalogue.guidance.get(doc_id)
    if document is None:
        yield Problem(
            file, path, f"no national guidance {doc_id!r}", known("documents", catalogue.guidance)
        )
    elif paragraph_id not in {p.id for p in document.paragraphs}:
        yield Problem(
            file, path, f"{doc_id} has no paragraph {paragraph_id!r}", f"see guidance/{doc_id}.yaml"
        )


def _check_silences(catalogue: Catalogue, entry: dict, path: str, file: str) -> Iterator[Problem]:
    """A school declared silent exists, cites nothing here, and is given national guidance."""
    cited = {str(_reference(c)).split("#")[0] for c in items(entry.get("cites"))}
    for j, school_id in enumerate(items(entry.get("silent"))):
        where = f"{path}/silent/{j}"
        if isinstance(school_id, str) and school_id not in catalogue.profiles:
            yield Problem(
                file,
                where,
                f"no school profile {school_id!r}",
                known("schools", catalogue.profiles),
            )
        elif school_id in cited:
            yield Problem(
                file,
                where,
                f"{school_id} is declared silent but cited here",
                "remove one of the two",
            )
    if items(entry.get("silent")) and not items(entry.get("guidance")):
        yield Problem(
            file,
            f"{path}/guidance",
            "a school's policy is declared silent here, but no national guidance is cited",
            "cite the paragraph of national guidance the feedback rests on",
        )


def _sourced(data: Any, path: str) -> Iterator[tuple[str, dict]]:
    """Every mapping in raw data that holds a 'cites' list, with its key path."""
    if isinstance(data, dict):
        if "cites" in data:
            yield path, data
        for key, value in data.items():
            yield from _sourced(value, f"{path}/{key}")
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from _sourced(item, f"{path}/{i}")


def _raw_citations(data: Any, path: str) -> Iterator[tuple[str, str, Any]]:
    """Every entry of every 'cites' and 'guidance' list in raw data: key path, list, reference."""
    for where, entry in _sourced(data, path):
        for key in ("cites", "guidance"):
            for j, citation in enumerate(items(entry.get(key))):
                yield f"{where}/{key}/{j}", key, _reference(citation)


def _reference(citation: Any) -> Any:
    """The "source#item" of a raw citation, written alone or as the key of its reason."""
    if isinstance(citation, dict) and len(citation) == 1:
        return next(iter(citation))
    return citation
