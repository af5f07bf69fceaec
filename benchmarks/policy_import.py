"""How well a policy's text is read into draft clauses, measured against the hand-made profiles.

For each shipped school, its policy text (policies/sources/<school>.txt) is read by
toolkit.content.policy_import and compared with the clauses of its hand-made profile:

* boundaries: the share of hand-made clauses that some draft clause quotes exactly (the same
  words, spacing and a closing full stop aside);
* strength: of those, the share whose strength (must, should, advice) agrees;
* settings: the share of the profile's settings (all but the pass mark and the refresher
  period, which are the school's choice) that toolkit.content.policy_settings proposes from the
  draft clauses with the hand-made value (text compared ignoring case, spacing and a leading
  "the").

Usage: python benchmarks/policy_import.py [--smoke] [--verbose]
Prints a table; nothing is asserted. `--smoke` reads one school: does it still run?
`--verbose` lists, per school, each setting proposed differently from the hand-made profile.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.content import load_catalogue  # noqa: E402
from toolkit.content.policy_import import draft_clauses  # noqa: E402
from toolkit.content.policy_settings import CHOSEN_BY_SCHOOL, propose_settings  # noqa: E402


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


@dataclass(frozen=True)
class Numbered:
    """A draft clause with an id (its own, once drafts have one), as proposals cite clauses by id."""

    id: str
    section: str
    text: str
    lead_in: str | None
    strength: str
    audience: tuple[str, ...]


def same_setting(value: object) -> str:
    text = " ".join(str(value).split()).lower()
    return text.removeprefix("the ")


def measure_settings(school_id: str, catalogue) -> tuple[int, list[tuple[str, object, object]]]:
    """(settings compared, misses as (setting, hand-made value, proposed value))."""
    profile = catalogue.profile(school_id)
    source = (ROOT / "policies" / "sources" / f"{school_id}.txt").read_text(encoding="utf-8")
    drafts = [
        Numbered(
            getattr(d, "id", None) or f"d{n}", d.section, d.text, d.lead_in, d.strength, d.audience
        )
        for n, d in enumerate(draft_clauses(source), 1)
    ]
    proposals = propose_settings(drafts)
    hand = profile.settings.model_dump()
    names = [name for name in hand if name not in CHOSEN_BY_SCHOOL]
    misses = [
        (name, hand[name], proposals[name].value)
        for name in names
        if same_setting(hand[name]) != same_setting(proposals[name].value)
    ]
    return len(names), misses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="one school only")
    parser.add_argument("--verbose", action="store_true", help="list the settings missed")
    args = parser.parse_args()
    catalogue = load_catalogue(ROOT)
    schools = sorted(catalogue.profiles)[:1] if args.smoke else sorted(catalogue.profiles)
    totals = [0, 0, 0, 0]
    settings_total = [0, 0]
    print(
        f"{'school':32} {'clauses':>7} {'drafts':>6} {'boundaries':>10} {'strength':>8} "
        f"{'settings':>8}"
    )
    for school_id in schools:
        hand, drafts, matched, agree = measure(school_id, catalogue)
        totals = [t + n for t, n in zip(totals, (hand, drafts, matched, agree), strict=True)]
        compared, misses = measure_settings(school_id, catalogue)
        settings_total = [settings_total[0] + compared, settings_total[1] + len(misses)]
        print(
            f"{school_id:32} {hand:7} {drafts:6} {matched / hand:10.0%} "
            f"{agree / max(matched, 1):8.0%} {1 - len(misses) / compared:8.0%}"
        )
        if args.verbose:
            for name, wanted, proposed in misses:
                print(f"    {name}: hand-made {wanted!r}, proposed {proposed!r}")
    hand, drafts, matched, agree = totals
    compared, missed = settings_total
    print(
        f"{'all':32} {hand:7} {drafts:6} {matched / hand:10.0%} {agree / max(matched, 1):8.0%} "
        f"{1 - missed / compared:8.0%}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
