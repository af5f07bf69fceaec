"""How well a policy's text is read into draft clauses, measured against the hand-made profiles.

For each shipped school, its policy text (policies/sources/<school>.txt) is read by
toolkit.content.policy_import and compared with the clauses of its hand-made profile:

* boundaries: the share of hand-made clauses that some draft clause quotes exactly (the same
  words, spacing and a closing full stop aside);
* strength: of those, the share whose strength (must, should, advice) agrees;
* citations top 1, 3, 5: the drafts ranked for every teaching point by
  toolkit.content.citation_ranking, the school's own citations left out of the queries; of the
  points its hand-made profile cites, the share where a cited clause is among the first 1, 3 or
  5 drafts proposed (a draft stands for a clause whose words it holds, or that holds its words).

Usage: python benchmarks/policy_import.py [--smoke]
Prints a table; nothing is asserted. `--smoke` reads one school: does it still run?
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.content import load_catalogue  # noqa: E402
from toolkit.content.citation_ranking import rank_citations  # noqa: E402
from toolkit.content.points import points  # noqa: E402
from toolkit.content.policy_import import draft_clauses  # noqa: E402

DEPTHS = (1, 3, 5)


def same(text: str) -> str:
    return " ".join(text.replace("**", "").split()).strip().rstrip(".;,").lower()


def measure(school_id: str, catalogue) -> tuple[int, int, int, int]:
    """(hand-made clauses, drafts, hand-made clauses matched, strengths agreeing)."""
    profile = catalogue.profile(school_id)
    source = (ROOT / "policies" / "sources" / f"{school_id}.txt").read_text(encoding="utf-8")
    drafts = {same(d.text): d for d in draft_clauses(source)}
    matched = [(c, drafts[same(c.text)]) for c in profile.clauses if same(c.text) in drafts]
    agree = sum(c.strength == d.strength for c, d in matched)
    return len(profile.clauses), len(drafts), len(matched), agree


def stands_for(draft: str, clause: str) -> bool:
    """Whether a draft is the hand-made clause: the same words, or one holds the other's."""
    draft, clause = same(draft), same(clause)
    return draft == clause or draft in clause or clause in draft


def with_ids(drafts: list) -> list[SimpleNamespace]:
    """The drafts with stand-in ids, where the policy import gives them none."""
    fields = ("section", "text", "lead_in", "strength", "audience")
    return [
        SimpleNamespace(
            id=getattr(d, "id", None) or f"draft-{i}", **{f: getattr(d, f) for f in fields}
        )
        for i, d in enumerate(drafts, 1)
    ]


def measure_citations(school_id: str, catalogue) -> tuple[int, list[int], float]:
    """(points the hand-made profile cites, of those the points found in the first 1, 3 and 5
    drafts proposed, seconds to rank all the points)."""
    profile = catalogue.profile(school_id)
    source = (ROOT / "policies" / "sources" / f"{school_id}.txt").read_text(encoding="utf-8")
    drafts = with_ids(draft_clauses(source))
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


def print_citations(schools: list[str], catalogue) -> None:
    """The citations table: how often a school's own citations are among the drafts proposed."""
    print()
    print(
        f"{'school':32} {'cited at':>8} {'citations top 1':>15} {'citations top 3':>15} "
        f"{'citations top 5':>15} {'seconds':>7}"
    )
    rows = [(school_id, *measure_citations(school_id, catalogue)) for school_id in schools]
    total = (
        "all",
        sum(r[1] for r in rows),
        [sum(r[2][i] for r in rows) for i in range(len(DEPTHS))],
        sum(r[3] for r in rows),
    )
    for school_id, cited, found, seconds in [*rows, total]:
        shares = " ".join(f"{n / max(cited, 1):15.0%}" for n in found)
        print(f"{school_id:32} {cited:8} {shares} {seconds:7.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="one school only")
    args = parser.parse_args()
    catalogue = load_catalogue(ROOT)
    schools = sorted(catalogue.profiles)[:1] if args.smoke else sorted(catalogue.profiles)
    totals = [0, 0, 0, 0]
    print(f"{'school':32} {'clauses':>7} {'drafts':>6} {'boundaries':>10} {'strength':>8}")
    for school_id in schools:
        hand, drafts, matched, agree = measure(school_id, catalogue)
        totals = [t + n for t, n in zip(totals, (hand, drafts, matched, agree), strict=True)]
        print(
            f"{school_id:32} {hand:7} {drafts:6} {matched / hand:10.0%} "
            f"{agree / max(matched, 1):8.0%}"
        )
    hand, drafts, matched, agree = totals
    print(f"{'all':32} {hand:7} {drafts:6} {matched / hand:10.0%} {agree / max(matched, 1):8.0%}")
    print_citations(schools, catalogue)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
