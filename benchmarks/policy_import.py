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
  "the").

Usage: python benchmarks/policy_import.py [--smoke] [--verbose]
Prints a table; nothing is asserted. `--smoke` reads one school: does it still run?
`--verbose` lists, per school, each setting proposed differently from the hand-made profile.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.content import load_catalogue  # noqa: E402
from toolkit.content.policy_facts import document_facts  # noqa: E402
from toolkit.content.policy_import import draft_clauses  # noqa: E402
from toolkit.content.policy_settings import CHOSEN_BY_SCHOOL, propose_settings  # noqa: E402

NOT_STATED = "not stated"


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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
