"""Where a piece of feedback comes from, as one school's staff are shown it: its own policy's
clauses, the paragraphs of national guidance, or that its policy says nothing on the point."""

from __future__ import annotations

from dataclasses import dataclass

from toolkit.content import Catalogue, SchoolProfile
from toolkit.content.base import Sourced


@dataclass(frozen=True)
class Quote:
    text: str  # the words quoted, as written in their source
    where: str  # how a reader finds them: the policy's section and clause, or the paragraph
    why: str  # one line on why they apply here ("" where none is written)


@dataclass(frozen=True)
class Sources:
    policy_title: str
    policy: list[Quote]  # the school's own clauses, each labelled "Your policy"
    guidance: list[Quote]  # national guidance, each labelled with its document and paragraph
    silent: bool  # the school's policy is declared silent on this point


def sources_for(catalogue: Catalogue, profile: SchoolProfile, item: Sourced) -> Sources:
    """The item's sources for this school: another school's clauses are passed over, so none is
    ever shown as this school's; national guidance is the same for every school."""
    title = profile.policy.title
    policy = [
        Quote(clause.quoted, f"{title}, section “{clause.section}” (clause {clause.id})", c.why)
        for c in item.cites
        if c.source == profile.id
        for clause in [profile.clause(c.item)]
    ]
    guidance = [
        Quote(paragraph.text, f"{document.title} ({document.short}), {paragraph.cite_as}", c.why)
        for c in item.guidance
        for document in [catalogue.guidance[c.source]]
        for paragraph in [document.paragraph(c.item)]
    ]
    return Sources(title, policy, guidance, profile.id in item.silent)
