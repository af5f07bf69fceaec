"""How well a policy's text is read into draft clauses, measured against the hand-made profiles.

For each shipped school, its policy text (policies/sources/<school>.txt) is read by
toolkit.content.policy_import and compared with the clauses of its hand-made profile:

* boundaries: the share of hand-made clauses that some draft clause quotes exactly (the same
  words, spacing and a closing full stop aside);
* strength: of those, the share whose strength (must, should, advice) agrees;
* facts: of the four facts a document states about itself (the school's name, the policy's
  title, the dates approved and due for review), the share read as the profile has them,
  spaces and case aside (a profile's "not stated" agrees with a fact not found);
* settings: the share of the profile's settings (all but the pass mark and the refresher
  period, which are the school's choice) that toolkit.content.policy_settings proposes from the
  draft clauses with the hand-made value (text compared ignoring case, spacing and a leading
  "the");
* citations top 1, 3, 5: the drafts ranked for every teaching point by
  toolkit.content.citation_ranking, the school's own citations left out of the queries; of the
  points its hand-made profile cites, the share where a cited clause is among the first 1, 3 or
  5 drafts proposed (a draft stands for a clause whose words it holds, or that holds its words).
* reviewed top 1, 3, 5: the same, with the proposals as the DSL meets them on the setup page,
  working through the scenarios in the page's order and then the quizzes, confirming each one's
  points with the hand-made citations (the drafts that stand for them; none where the school
  cites nothing there), and the points left re-ranked from those confirmations after each.

Usage: python benchmarks/policy_import.py [--smoke] [--verbose]
Prints a table; nothing is asserted. `--smoke` reads one school: does it still run?
`--verbose` lists, per school, each setting proposed differently from the hand-made profile.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.content import load_catalogue  # noqa: E402
from toolkit.content.citation_ranking import (  # noqa: E402
    rank_citations,
    ranked_points,
    score_points,
)
from toolkit.content.points import points  # noqa: E402
from toolkit.content.policy_facts import document_facts  # noqa: E402
from toolkit.content.policy_import import draft_clauses  # noqa: E402
from toolkit.content.policy_settings import CHOSEN_BY_SCHOOL, propose_settings  # noqa: E402

NOT_STATED = "not stated"
DEPTHS = (1, 3, 5)


def same(text: str) -> str:
    return " ".join(text.replace("**", "").split()).strip().rstrip(".;,").lower()


def fact(value: str | None) -> str:
    return " ".join((value or NOT_STATED).split()).lower()


def measure(school_id: str, catalogue) -> tuple[int, int, int, int, int]:
    """(hand-made clauses, drafts, hand-made clauses matched, strengths agreeing, facts agreeing
    out of four)."""
    profile = catalogue.profile(school_id)
    source = (ROOT / "policies" / "sources" / f"{school_id}.txt").read_text(encoding="utf-8")
    drafts = {same(d.text): d for d in draft_clauses(source)}
    matched = [(c, drafts[same(c.text)]) for c in profile.clauses if same(c.text) in drafts]
    agree = sum(c.strength == d.strength for c, d in matched)
    read = document_facts(source)
    policy = profile.policy
    pairs = [
        (read.school, profile.name),
        (read.title, policy.title),
        (read.approved, policy.approved),
        (read.review, policy.review),
    ]
    facts = sum(fact(found) == fact(wanted) for found, wanted in pairs)
    return len(profile.clauses), len(drafts), len(matched), agree, facts


def row(name: str, hand: int, drafts: int, matched: int, agree: int, facts: int, schools: int):
    return (
        f"{name:32} {hand:7} {drafts:6} {matched / hand:10.0%} {agree / max(matched, 1):8.0%} "
        f"{facts / (4 * schools):5.0%}"
    )


def same_setting(value: object) -> str:
    text = " ".join(str(value).split()).lower()
    return text.removeprefix("the ")


def measure_settings(school_id: str, catalogue) -> tuple[int, list[tuple[str, object, object]]]:
    """(settings compared, misses as (setting, hand-made value, proposed value))."""
    profile = catalogue.profile(school_id)
    source = (ROOT / "policies" / "sources" / f"{school_id}.txt").read_text(encoding="utf-8")
    proposals = propose_settings(draft_clauses(source))
    hand = profile.settings.model_dump()
    names = [name for name in hand if name not in CHOSEN_BY_SCHOOL]
    misses = [
        (name, hand[name], proposals[name].value)
        for name in names
        if same_setting(hand[name]) != same_setting(proposals[name].value)
    ]
    return len(names), misses


def stands_for(draft: str, clause: str) -> bool:
    """Whether a draft is the hand-made clause: the same words, or one holds the other's."""
    draft, clause = same(draft), same(clause)
    return draft == clause or draft in clause or clause in draft


def measure_citations(school_id: str, catalogue) -> tuple[int, list[int], float]:
    """(points the hand-made profile cites, of those the points found in the first 1, 3 and 5
    drafts proposed, seconds to rank all the points)."""
    profile = catalogue.profile(school_id)
    source = (ROOT / "policies" / "sources" / f"{school_id}.txt").read_text(encoding="utf-8")
    drafts = draft_clauses(source)
    words = {d.id: d.text for d in drafts}
    start = time.perf_counter()
    ranked = rank_citations(catalogue, drafts, leave_out=school_id, top=max(DEPTHS))
    seconds = time.perf_counter() - start
    cited, found = 0, [0] * len(DEPTHS)
    for point in points(catalogue):
        wanted = [profile.clause(c.item).text for c in point.item.cites if c.source == school_id]
        if not wanted:
            continue
        cited += 1
        for i, depth in enumerate(DEPTHS):
            proposed = [words[clause_id] for clause_id, _ in ranked[point.key][:depth]]
            found[i] += any(stands_for(d, w) for d in proposed for w in wanted)
    return cited, found, seconds


def print_citations(schools: list[str], catalogue, measured=measure_citations, what="citations"):
    """A citations table: how often a school's own citations are among the drafts proposed, at
    the import (measure_citations) or as the DSL meets them (measure_review)."""
    print()
    print(
        f"{'school':32} {'cited at':>8} {what + ' top 1':>15} {what + ' top 3':>15} "
        f"{what + ' top 5':>15} {'seconds':>7}"
    )
    rows = [(school_id, *measured(school_id, catalogue)) for school_id in schools]
    total = (
        "all",
        sum(r[1] for r in rows),
        [sum(r[2][i] for r in rows) for i in range(len(DEPTHS))],
        sum(r[3] for r in rows),
    )
    for school_id, cited, found, seconds in [*rows, total]:
        shares = " ".join(f"{n / max(cited, 1):15.0%}" for n in found)
        print(f"{school_id:32} {cited:8} {shares} {seconds:7.2f}")


def measure_review(school_id: str, catalogue) -> tuple[int, list[int], float]:
    """As measure_citations, but with the proposals as the DSL meets them on the setup page:
    working through the scenarios in the page's order, then the quizzes, confirming each one's
    points with the hand-made citations ([] where the school cites nothing there), the rest
    re-ranked after each."""
    profile = catalogue.profile(school_id)
    source = (ROOT / "policies" / "sources" / f"{school_id}.txt").read_text(encoding="utf-8")
    drafts = draft_clauses(source)
    words = {d.id: d.text for d in drafts}
    start = time.perf_counter()
    scored = score_points(catalogue, drafts, leave_out=school_id)
    units: dict[str, list] = {}
    for point in points(catalogue):
        units.setdefault(point.unit, []).append(point)
    # The drafts each hand-made clause stands for, worked out once.
    standing = {c.id: [d for d in words if stands_for(words[d], c.text)] for c in profile.clauses}
    confirmed: dict[str, list[str]] = {}
    cited, found = 0, [0] * len(DEPTHS)
    for unit in units.values():
        shown = ranked_points(scored, top=max(DEPTHS), confirmed=confirmed)
        for point in unit:
            wanted = {
                d for c in point.item.cites if c.source == school_id for d in standing[c.item]
            }
            confirmed[point.key] = sorted(wanted)
            if not any(c.source == school_id for c in point.item.cites):
                continue
            cited += 1
            for i, depth in enumerate(DEPTHS):
                found[i] += any(d in wanted for d, _ in shown[point.key][:depth])
    return cited, found, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="one school only")
    parser.add_argument("--verbose", action="store_true", help="list the settings missed")
    args = parser.parse_args()
    catalogue = load_catalogue(ROOT)
    schools = sorted(catalogue.profiles)[:1] if args.smoke else sorted(catalogue.profiles)
    totals, settings_total = [0, 0, 0, 0, 0], [0, 0]
    print(
        f"{'school':32} {'clauses':>7} {'drafts':>6} {'boundaries':>10} {'strength':>8} "
        f"{'facts':>5} {'settings':>8}"
    )
    for school_id in schools:
        counts = measure(school_id, catalogue)
        totals = [t + n for t, n in zip(totals, counts, strict=True)]
        compared, misses = measure_settings(school_id, catalogue)
        settings_total = [settings_total[0] + compared, settings_total[1] + len(misses)]
        print(f"{row(school_id, *counts, schools=1)} {1 - len(misses) / compared:8.0%}")
        if args.verbose:
            for name, wanted, proposed in misses:
                print(f"    {name}: hand-made {wanted!r}, proposed {proposed!r}")
    compared, missed = settings_total
    print(f"{row('all', *totals, schools=len(schools))} {1 - missed / compared:8.0%}")
    print_citations(schools, catalogue)
    print_citations(schools, catalogue, measure_review, "reviewed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
