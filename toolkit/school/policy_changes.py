"""Policy changes, clause by clause: what changed since a learner trained, and what to replay.

The store keeps each clause's wordings with the time each was first seen (`Store.record_policy`).
A learner trained under the wordings current when they completed a scenario or passed a quiz;
a scenario or quiz citing a clause whose words have changed in substance since is theirs to
replay. A fix of spelling, punctuation or spacing is minor and sends no one back. Wordings
noted when the school was first recorded count as the ones everyone trained under before.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from toolkit.school.school import School
from toolkit.store import ClauseWording, Learner, Store

MINOR_RATIO = 0.95  # wordings at least this alike (and with the same duty words) differ by a typo
# Words that turn a duty around or change its strength: a change among them is never minor.
DUTY_WORDS = frozenset(
    {"not", "never", "no", "nor", "must", "should", "may", "might", "can", "cannot", "shall"}
    | {"will", "only", "always", "required", "allowed", "permitted"}
)
KINDS = ("added", "reworded", "removed")


@dataclass(frozen=True)
class ClauseChange:
    """A clause whose words changed in substance: `before` None if added, `after` if removed."""

    clause_id: str
    kind: str  # one of KINDS
    before: str | None
    after: str | None


@dataclass(frozen=True)
class Replays:
    """What a learner is asked to replay because their school's policy changed since."""

    scenarios: list[str] = field(default_factory=list)  # scenario ids, in the course's order
    quizzes: list[str] = field(default_factory=list)  # module ids of quizzes passed before
    changes: list[ClauseChange] = field(default_factory=list)  # the clauses changed since

    def __bool__(self) -> bool:
        return bool(self.scenarios or self.quizzes)


def _words(text: str) -> list[str]:
    text = re.sub(r"n't\b", " not", text.casefold().replace("’", "'"))
    return re.findall(r"[^\W_]+", text)


def minor_change(before: str, after: str) -> bool:
    """Whether two wordings of a clause differ only by a typo, punctuation or spacing fix."""
    old, new = _words(before), _words(after)
    if old == new:
        return True
    if sorted(w for w in old if w in DUTY_WORDS) != sorted(w for w in new if w in DUTY_WORDS):
        return False
    return difflib.SequenceMatcher(None, " ".join(old), " ".join(new)).ratio() >= MINOR_RATIO


def change(clause_id: str, before: str | None, after: str | None) -> ClauseChange | None:
    """How a clause changed between two wordings (None: absent); None if not in substance."""
    if before is None and after is None:
        return None
    if before is None:
        return ClauseChange(clause_id, "added", None, after)
    if after is None:
        return ClauseChange(clause_id, "removed", before, None)
    if minor_change(before, after):
        return None
    return ClauseChange(clause_id, "reworded", before, after)


def classify(before: Mapping[str, str], after: Mapping[str, str]) -> list[ClauseChange]:
    """The clauses added, reworded or removed between two policies (clause id -> text), in
    the order of the newer one, then those removed; minor fixes are left out."""
    ids = [*after, *(c for c in before if c not in after)]
    found = (change(c, before.get(c), after.get(c)) for c in ids)
    return [c for c in found if c is not None]


class PolicyTimeline:
    """A school's clause wordings over time, asked what a learner trained under at a moment."""

    def __init__(self, history: Iterable[ClauseWording], current: Mapping[str, str]):
        self.current = dict(current)
        rows = sorted(history, key=lambda w: w.first_seen)
        self.baseline = rows[0].first_seen if rows else None
        self._times: dict[str, list[datetime]] = {}
        self._texts: dict[str, list[str | None]] = {}
        for row in rows:
            self._times.setdefault(row.clause_id, []).append(row.first_seen)
            self._texts.setdefault(row.clause_id, []).append(row.text)
        # Nothing noted since the first record: no one has anything to replay (the usual case,
        # and a trust's matrix then costs nothing more).
        self.unchanged = all(row.first_seen == self.baseline for row in rows)
        self._stale: dict[str, list[bool]] = {
            c: [change(c, text, self.current.get(c)) is not None for text in texts]
            for c, texts in self._texts.items()
        }

    def _index(self, clause_id: str, moment: datetime) -> int | None:
        times = self._times.get(clause_id)
        if not times:
            return None
        moment = max(moment, self.baseline)  # the first record stands for what came before
        index = bisect.bisect_right(times, moment) - 1
        return index if index >= 0 else None

    def wordings_at(self, moment: datetime) -> dict[str, str]:
        """Clause id -> the words in force at that moment."""
        found = {}
        for clause_id, texts in self._texts.items():
            index = self._index(clause_id, moment)
            if index is not None and texts[index] is not None:
                found[clause_id] = texts[index]
        return found

    def changed_since(self, clause_id: str, moment: datetime) -> bool:
        """Whether the clause's words now differ in substance from those at that moment."""
        if clause_id not in self._times:
            return False  # never recorded: nothing to compare with
        index = self._index(clause_id, moment)
        if index is None:  # not in the policy then
            return clause_id in self.current
        return self._stale[clause_id][index]

    def changes_since(self, moment: datetime) -> list[ClauseChange]:
        return classify(self.wordings_at(moment), self.current)


def current_wordings(school: School) -> dict[str, str]:
    return {clause.id: clause.text for clause in school.profile.clauses}


def record(store: Store, school: School) -> None:
    """Note the school's clause wordings as they are now (cheap when nothing changed)."""
    store.record_policy(school.id, current_wordings(school).items())


def timeline(store: Store, school: School) -> PolicyTimeline:
    return PolicyTimeline(store.policy_history(school.id), current_wordings(school))


def scenario_citations(school: School) -> dict[str, set[str]]:
    """Scenario id -> the ids of this school's clauses its choices cite, in the course's order."""
    prefix = f"{school.id}#"
    return {
        s.id: {
            c.removeprefix(prefix)
            for step in s.steps.values()
            for choice in step.choices
            for c in choice.cites
            if c.startswith(prefix)
        }
        for s in school.scenarios_in_order()
    }


def quiz_citations(school: School) -> dict[str, set[str]]:
    """Module id -> the ids of this school's clauses its quiz questions cite."""
    prefix = f"{school.id}#"
    return {
        bank.module: {c.removeprefix(prefix) for q in bank.questions for c in q.cites}
        for bank in school.quizzes()
    }


def replays(
    line: PolicyTimeline,
    scenarios_done: Mapping[str, datetime | None],
    quizzes_passed: Mapping[str, datetime | None],
    scenario_cites: Mapping[str, set[str]],
    quiz_cites: Mapping[str, set[str]],
) -> Replays:
    """What a learner replays: each scenario completed (quiz passed) before a clause it cites
    changed in substance; `*_done`/`*_passed` give the latest completion (pass) of each."""

    if line.unchanged:
        return Replays()

    def stale(done: Mapping[str, datetime | None], cites: Mapping[str, set[str]]) -> list[str]:
        return [
            item
            for item, clause_ids in cites.items()
            if done.get(item) is not None
            and any(line.changed_since(c, done[item]) for c in clause_ids)
        ]

    scenarios = stale(scenarios_done, scenario_cites)
    quizzes = stale(quizzes_passed, quiz_cites)
    if not scenarios and not quizzes:
        return Replays()
    earliest = min([scenarios_done[s] for s in scenarios] + [quizzes_passed[q] for q in quizzes])
    return Replays(scenarios, quizzes, line.changes_since(earliest))


def learner_replays(store: Store, school: School, learner: Learner) -> Replays:
    """What this learner is asked to replay because the school's policy changed since."""
    line = timeline(store, school)
    if line.unchanged:
        return Replays()
    scenario_cites = scenario_citations(school)
    progress = store.progress_for(learner.id, scenario_cites)
    done = {s: p.completed_at for s, p in progress.items()}
    quiz_cites = quiz_citations(school)
    passed: dict[str, datetime] = {}
    for attempt in store.quiz_attempts_for(learner.id):
        at = attempt["submitted_at"]
        if attempt["passed"] and at is not None:
            at = at if at.tzinfo else at.replace(tzinfo=UTC)  # SQLite gives it back naive
            passed[attempt["module_id"]] = max(at, passed.get(attempt["module_id"], at))
    return replays(line, done, passed, scenario_cites, quiz_cites)


def school_replays(store: Store, school: School) -> dict[int, Replays]:
    """Learner id -> what they replay, for each learner with anything to replay."""
    line = timeline(store, school)
    if line.unchanged:
        return {}
    scenario_cites, quiz_cites = scenario_citations(school), quiz_citations(school)
    scenarios, quizzes = store.scenario_standings(), store.quiz_standings()
    found = {}
    for learner_id in scenarios.keys() | quizzes.keys():
        done = {s: at for s, (at, _version) in scenarios.get(learner_id, {}).items()}
        passed = {m: at for m, (_n, at, _v) in quizzes.get(learner_id, {}).items()}
        result = replays(line, done, passed, scenario_cites, quiz_cites)
        if result:
            found[learner_id] = result
    return found
