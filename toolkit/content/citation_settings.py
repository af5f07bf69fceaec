"""The settings a teaching point is about, read from the clauses other schools cite there: where
another school cites its own evidence for a setting (its route for contact from pupils, say), a
new school's evidence for that setting supports the point too, though the point's words may not
name the setting and the clause may share few words with it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from toolkit.content.policy_settings import Proposal, propose_settings


def evidence_by_setting(profile, leave_aside: frozenset[str] = frozenset()) -> dict[str, frozenset]:
    """Each setting (but those left aside) whose evidence the school's own clauses hold: the
    ids of those clauses."""
    proposals = propose_settings(profile.clauses).items()
    return {n: frozenset(p.evidence) for n, p in proposals if p.evidence and n not in leave_aside}


def settings_cited(
    cites: Sequence[Sequence[tuple[str, str]]], evidence: Mapping[str, Mapping[str, frozenset]]
) -> list[set[str]]:
    """For each point's citations (school, clause), the settings some school's citations there
    are evidence for, by `evidence` (school -> setting -> its evidence clause ids)."""
    return [
        {
            name
            for school, clause in point
            for name, ids in evidence.get(school, {}).items()
            if clause in ids
        }
        for point in cites
    ]


def evidence(
    named: Sequence[set[str]], ids: Sequence[str], proposals: Mapping[str, Proposal]
) -> np.ndarray:
    """found[point, clause]: 1 where the clause is evidence for a setting `named` at the point
    (by its own words, or by the citations of other schools there), so the rule behind a
    point's "tell {{ contact_report_to }}" supports it."""
    column = {clause_id: j for j, clause_id in enumerate(ids)}
    found = np.zeros((len(named), len(ids)))
    for row, names in enumerate(named):
        for name in names:
            proposal = proposals.get(name)
            for clause_id in proposal.evidence if proposal else ():
                if clause_id in column:
                    found[row, column[clause_id]] = 1
    return found


def other_schools_settings(
    catalogue, cites: Sequence[Sequence[str]], leave_aside: frozenset[str]
) -> list[set[str]]:
    """settings_cited for the catalogue's points, from their citations ("school#clause") of the
    schools the catalogue holds, each school's evidence read from its own clauses."""
    pairs = [[tuple(c.split("#", 1)) for c in point] for point in cites]
    schools = {school for point in pairs for school, _ in point}
    evidence = {
        school: evidence_by_setting(catalogue.profiles[school], leave_aside)
        for school in schools
        if school in catalogue.profiles
    }
    return settings_cited(pairs, evidence)
