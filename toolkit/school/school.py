"""A school resolved once from the catalogue: its profile, content as it reads it, versions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from toolkit.content import (
    Catalogue,
    Clause,
    Lesson,
    Module,
    QuizBank,
    Scenario,
    SchoolProfile,
    SchoolSettings,
)
from toolkit.content.base import Sourced
from toolkit.school.sources import Sources, sources_for


@dataclass(eq=False)
class School:
    """One school's view of the catalogue; content is rendered for it at most once and kept."""

    catalogue: Catalogue
    profile: SchoolProfile
    language: str | None = None  # the content's language, once content comes in more than one
    _quizzes: dict[str, QuizBank] = field(default_factory=dict, init=False, repr=False)
    _lessons: dict[str, Lesson] = field(default_factory=dict, init=False, repr=False)
    _versions: dict[tuple[str, str], str] = field(default_factory=dict, init=False, repr=False)

    @classmethod
    def resolve(cls, catalogue: Catalogue, school_id: str) -> School:
        """The school of this id; ContentError if the catalogue has no profile for it."""
        return cls(catalogue, catalogue.profile(school_id))

    # --- who -----------------------------------------------------------------------------

    @property
    def id(self) -> str:
        return self.profile.id

    @property
    def name(self) -> str:
        return self.profile.name

    @property
    def settings(self) -> SchoolSettings:
        return self.profile.settings

    @property
    def pass_mark(self) -> int:
        """A module quiz's pass mark, in percent."""
        return self.profile.settings.pass_mark

    @property
    def refresher_months(self) -> int:
        """How long a completed module counts before its refresher is due."""
        return self.profile.settings.refresher_months

    @property
    def dsl(self) -> str:
        return self.profile.settings.dsl

    def render(self, text: str) -> str:
        """One piece of content text as this school reads it."""
        return self.profile.render(text)

    def sources(self, item: Sourced) -> Sources:
        """Where a choice's or question's feedback comes from, as this school's staff see it."""
        return sources_for(self.catalogue, self.profile, item)

    def clauses(self, cites: Iterable[str]) -> list[Clause]:
        """This school's own clauses among these citations ("school-id#clause-id"), in their
        order; another school's are passed over, so none is ever shown as this school's."""
        prefix = f"{self.id}#"
        return [self.profile.clause(c.removeprefix(prefix)) for c in cites if c.startswith(prefix)]

    # --- content as this school reads it ------------------------------------------------

    def scenario(self, scenario_id: str) -> Scenario:
        # The catalogue keeps rendered scenarios (and the content cache holds them rendered).
        return self.catalogue.scenario_for(scenario_id, self.id)

    def scenarios_in_order(self) -> list[Scenario]:
        """Every scenario as this school reads it, module by module in the course's order."""
        modules = sorted(self.catalogue.modules.values(), key=lambda m: (m.order, m.id))
        return [s for module in modules for s in self.scenarios_in(module.id)]

    def quiz(self, module_id: str) -> QuizBank:
        if module_id not in self._quizzes:
            self._quizzes[module_id] = self.catalogue.quizzes[module_id].for_school(self.profile)
        return self._quizzes[module_id]

    def lesson(self, lesson_id: str) -> Lesson:
        if lesson_id not in self._lessons:
            self._lessons[lesson_id] = self.catalogue.lessons[lesson_id].for_school(self.profile)
        return self._lessons[lesson_id]

    def quizzes(self) -> list[QuizBank]:
        """Every quiz bank, by module id."""
        return [self.quiz(module_id) for module_id in sorted(self.catalogue.quizzes)]

    def modules_for(self, role: str) -> list[Module]:
        return self.catalogue.modules_for(role)

    def scenarios_in(self, module_id: str) -> list[Scenario]:
        """The module's scenarios as this school reads them, by id."""
        return [self.scenario(s.id) for s in self.catalogue.scenarios_in(module_id)]

    def has_quiz(self, module_id: str) -> bool:
        return module_id in self.catalogue.quizzes

    # --- versions: a record made on another version was made on other words -------------

    def scenario_version(self, scenario_id: str) -> str:
        return self._version("scenario", scenario_id, self.catalogue.version)

    def quiz_version(self, module_id: str) -> str:
        return self._version("quiz", module_id, self.catalogue.quiz_version)

    def lesson_version(self, lesson_id: str) -> str:
        key = ("lesson", lesson_id)
        if key not in self._versions:
            self._versions[key] = self.catalogue.lesson_version(lesson_id)
        return self._versions[key]

    def _version(self, kind: str, item_id: str, of) -> str:
        key = (kind, item_id)
        if key not in self._versions:
            self._versions[key] = of(item_id, self.id)
        return self._versions[key]
