"""The DSL's work on an imported school, shared by `esafety policy` and the setup page: answer
each setting's question (confirm the proposal or change it), confirm the clauses that support
each teaching point, and see what is left. Every change is checked before it is saved, and each
save writes whole files, so two tabs or a double-click leave a consistent school."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from toolkit.content import imported
from toolkit.content.citation_ranking import rank_citations
from toolkit.content.imported import PolicyReview
from toolkit.content.policy_settings import QUESTIONS as ASKED
from toolkit.content.policy_settings import Proposal, Question
from toolkit.content.profile import Clause, SchoolProfile, SchoolSettings
from toolkit.content.school_import import PROPOSED
from toolkit.content.strict_yaml import read_yaml

QUESTIONS = {question.name: question for question in ASKED}


class SetupError(ValueError):
    """A change the DSL asked for that cannot be made; the message says what to do."""


@dataclass(frozen=True)
class Answer:
    question: Question
    value: str | int
    evidence: list[Clause]
    silent: bool
    confirmed: bool


class Setup:
    """One imported school's review, read from its folder; `save()` writes it back. Given the
    catalogue, a save after citations were confirmed re-ranks the proposals of the points not
    yet reviewed with everything confirmed so far."""

    def __init__(self, schools: Path, school_id: str, catalogue=None):
        self.folder = schools / school_id
        if not imported.profile_file(self.folder).is_file():
            raise SetupError(
                f"no imported school {school_id!r}; import its policy first with "
                f"'esafety policy import FILE --id {school_id}'"
            )
        path = imported.profile_file(self.folder)
        self.profile = SchoolProfile.model_validate(
            read_yaml(path.read_text(encoding="utf-8"), path.name)
        )
        self.review: PolicyReview = imported.read_review(self.folder)
        self._settings: dict[str, str | int] = {}
        self.catalogue = catalogue
        self._confirmed = False  # citations confirmed since the review was read

    @property
    def school_id(self) -> str:
        return self.profile.id

    # --- settings --------------------------------------------------------------------------

    def answers(self) -> list[Answer]:
        """Each setting's question with its value as it stands and the clauses behind it."""
        clauses = {c.id: c for c in self.profile.clauses}
        return [
            Answer(
                question,
                self._settings.get(name, review.value),
                [clauses[c] for c in review.evidence if c in clauses],
                review.silent,
                review.confirmed,
            )
            for name, question in QUESTIONS.items()
            for review in [self.review.settings[name]]
        ]

    def answer(self, name: str, value: str | int | None = None) -> None:
        """Confirm a setting: as proposed (value None), or with the value the DSL gives."""
        if name not in self.review.settings:
            raise SetupError(f"no setting {name!r}; the settings are: {', '.join(QUESTIONS)}")
        current = self.review.settings[name]
        value = current.value if value is None else self._checked(name, value)
        self._settings[name] = value
        settings = dict(self.review.settings)
        settings[name] = current.model_copy(update={"value": value, "confirmed": True})
        self.review = self.review.model_copy(update={"settings": settings})

    def _checked(self, name: str, value: str | int) -> str | int:
        field = SchoolSettings.model_fields[name]
        raw = value.strip() if isinstance(value, str) else value
        if field.annotation is int and isinstance(raw, str):
            if not raw.isdigit():
                raise SetupError(f"{name} is a whole number, not {raw!r}")
            raw = int(raw)
        try:
            SchoolSettings.model_validate(
                {**self.profile.settings.model_dump(), **self._settings, name: raw}
            )
            return raw
        except ValidationError as err:
            options = QUESTIONS[name].options
            why = f"it must be one of: {', '.join(options)}" if options else err.errors()[0]["msg"]
            raise SetupError(f"{name} cannot be {value!r}: {why}") from None

    # --- citations ---------------------------------------------------------------------------

    def confirm(self, key: str, clause_ids: list[str]) -> None:
        """The clauses that support a teaching point, as the DSL confirms them ([]: none)."""
        if key not in self.review.citations:
            raise SetupError(
                f"no teaching point {key!r}; list them with 'esafety policy citations'"
            )
        known = {c.id for c in self.profile.clauses}
        unknown = [c for c in clause_ids if c not in known]
        if unknown:
            raise SetupError(f"{self.school_id} has no clause {unknown[0]!r}")
        citations = dict(self.review.citations)
        citations[key] = citations[key].model_copy(
            update={"confirmed": list(dict.fromkeys(clause_ids))}
        )
        self.review = self.review.model_copy(update={"citations": citations})
        self._confirmed = True

    def rerank(self) -> None:
        """The proposals of the points not yet reviewed ranked again, learning from the clauses
        confirmed at the others; the reviewed points keep their lists. The same confirmations
        give the same proposals, however often this runs."""
        citations = self.review.citations
        settings = self.review.settings
        ranked = rank_citations(
            self.catalogue,
            self.profile.clauses,
            leave_out=self.school_id,  # its own citations, if joined in, are learned from here
            top=PROPOSED,
            proposals={
                n: Proposal(s.value, tuple(s.evidence), s.silent) for n, s in settings.items()
            },
            confirmed={k: c.confirmed for k, c in citations.items() if c.confirmed is not None},
        )
        self.review = self.review.model_copy(
            update={
                "citations": {
                    key: point
                    if point.confirmed is not None or key not in ranked
                    else point.model_copy(update={"proposed": [c for c, _ in ranked[key]]})
                    for key, point in citations.items()
                }
            }
        )

    def save(self) -> None:
        if self._confirmed and self.catalogue is not None:
            self.rerank()
        imported.save_review(self.folder, self.review, self._settings or None)
        self._settings = {}
        self._confirmed = False

    # --- what is left ------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """Whether the school can go live: every setting's answer is confirmed."""
        return not self.review.unconfirmed_settings


LOCK = ".setup.lock"


@contextmanager
def editing(schools: Path, school_id: str, catalogue=None) -> Iterator[Setup]:
    """The school's review read afresh, for one change, saved when the block ends without an
    error (with the catalogue, the points not yet reviewed re-ranked). Changes from two tabs or
    the terminal take turns under a lock on the school's folder, so none undoes another's: each
    reads what the last one saved."""
    folder = schools / school_id
    if not imported.profile_file(folder).is_file():
        Setup(schools, school_id)  # raises SetupError, saying how to import it
    with open(folder / LOCK, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            setup = Setup(schools, school_id, catalogue)
            yield setup
            setup.save()
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
