"""A school's policy text made into a draft profile and a review for its DSL: the clauses in the
policy's own words, each setting proposed with its evidence (or marked silent), and for each
teaching point the clauses that may support it, ranked. Nothing here is confirmed: the DSL
confirms settings and citations afterwards (`esafety policy settings`, the setup page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from toolkit.content.citation_ranking import rank_citations
from toolkit.content.imported import REVIEW_VERSION, CitationReview, PolicyReview, SettingReview
from toolkit.content.policy_document import PolicyDocumentError
from toolkit.content.policy_facts import document_facts
from toolkit.content.policy_import import draft_clauses
from toolkit.content.policy_settings import propose_settings
from toolkit.content.profile import SchoolProfile

NOT_STATED = "not stated in the policy"
PROPOSED = 5  # clauses proposed for each teaching point, best first


@dataclass(frozen=True)
class Draft:
    profile: dict  # a valid school profile, as written to its YAML file
    review: PolicyReview
    kept: int = 0  # confirmations carried over from the last import
    dropped: tuple[str, ...] = ()  # confirmed citations whose clause is no longer in the policy


def draft_school(
    text: str,
    school_id: str,
    catalogue,
    *,
    source: str,
    name: str | None = None,
    previous: tuple[SchoolProfile, PolicyReview] | None = None,
) -> Draft:
    """The draft profile and review of a policy's text; PolicyDocumentError (one line saying what
    to do) if it holds no rules or its school's name is neither stated nor given."""
    clauses = draft_clauses(text)
    if not clauses:
        raise PolicyDocumentError(
            f"{source}: no rules found (no sentence says what staff must, should or may do); "
            "check that this is the school's social media or online safety policy"
        )
    facts = document_facts(text)
    school_name = name or facts.school
    if not school_name:
        raise PolicyDocumentError(
            f'{source} does not state the school\'s name; give it with --name "NAME"'
        )
    proposals = propose_settings(clauses)
    ranked = rank_citations(catalogue, clauses, top=PROPOSED, proposals=proposals)
    profile = {
        "schema_version": 1,
        "id": school_id,
        "name": school_name,
        "policy": {
            "title": facts.title or "Social Media Policy",
            "approved": facts.approved or NOT_STATED,
            "review": facts.review or NOT_STATED,
        },
        "settings": {key: p.value for key, p in proposals.items()},
        "clauses": [
            {
                "id": c.id,
                "section": c.section or facts.title or "Introduction",
                "text": c.text,
                **({"lead_in": c.lead_in} if c.lead_in else {}),
                "audience": list(c.audience),
                "strength": c.strength,
            }
            for c in clauses
        ],
    }
    review = PolicyReview(
        schema_version=REVIEW_VERSION,
        school=school_id,
        source=source,
        imported=date.today().isoformat(),
        settings={
            key: SettingReview(value=p.value, evidence=list(p.evidence), silent=p.silent)
            for key, p in proposals.items()
        },
        citations={
            key: CitationReview(proposed=[clause_id for clause_id, _ in found])
            for key, found in ranked.items()
        },
    )
    draft = Draft(profile, review)
    if previous is not None:
        draft = _carry_over(draft, *previous)
    SchoolProfile.model_validate(draft.profile)  # a bug here, never a half-valid file
    return draft


def _carry_over(draft: Draft, old: SchoolProfile, old_review: PolicyReview) -> Draft:
    """A new version of the policy keeps what the DSL confirmed: settings as they were, and
    confirmed citations whose clause is still in the policy word for word. Such a clause keeps
    its id, so records made on it still refer to it and only changed clauses count as changed."""
    ids = _stable_ids(draft.profile["clauses"], old)
    clauses = [{**c, "id": ids[c["id"]]} for c in draft.profile["clauses"]]
    settings = dict(draft.profile["settings"])
    reviewed, kept = {}, 0
    for key, proposal in draft.review.settings.items():
        proposal = proposal.model_copy(update={"evidence": [ids[c] for c in proposal.evidence]})
        before = old_review.settings.get(key)
        if before is not None and before.confirmed:
            settings[key] = getattr(old.settings, key)
            proposal = proposal.model_copy(update={"value": settings[key], "confirmed": True})
            kept += 1
        reviewed[key] = proposal
    now = set(ids.values())
    citations, dropped = {}, []
    for key, point in draft.review.citations.items():
        point = point.model_copy(update={"proposed": [ids[c] for c in point.proposed]})
        before = old_review.citations.get(key)
        if before is not None and before.confirmed is not None:
            dropped += [f"{key}: {c}" for c in before.confirmed if c not in now]
            confirmed = [c for c in before.confirmed if c in now]
            if confirmed or not before.confirmed:
                point = point.model_copy(update={"confirmed": confirmed})
                kept += 1
        citations[key] = point
    review = draft.review.model_copy(update={"settings": reviewed, "citations": citations})
    profile = {**draft.profile, "settings": settings, "clauses": clauses}
    return Draft(profile, review, kept, tuple(dropped))


def _stable_ids(clauses: list[dict], old: SchoolProfile) -> dict[str, str]:
    """Each new clause's id: the old id of the same words where there was one, else its own
    (made unique beside the ids kept)."""
    old_ids = {" ".join(c.text.split()): c.id for c in old.clauses}
    ids: dict[str, str] = {}
    for c in clauses:
        same = old_ids.get(" ".join(c["text"].split()))
        if same and same not in ids.values():
            ids[c["id"]] = same
    taken = set(ids.values())
    for c in clauses:
        if c["id"] in ids:
            continue
        new, n = c["id"], 2
        while new in taken:
            new, n = f"{c['id']}-{n}", n + 1
        ids[c["id"]] = new
        taken.add(new)
    return ids
