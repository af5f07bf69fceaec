"""`esafety policy`: import a school's own policy document, answer its settings' questions and
confirm the clauses that support each teaching point, so that the school can go live with no
YAML written by hand."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from toolkit import settings
from toolkit.cli.errors import CommandError

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def import_policy(args: argparse.Namespace) -> int:
    from toolkit.content import imported, load_catalogue
    from toolkit.content.policy_document import read_policy
    from toolkit.content.school_import import draft_school
    from toolkit.content.school_setup import Setup

    school_id = args.id
    if not SLUG.match(school_id):
        raise CommandError(
            f"{school_id!r} cannot be a school id: use lower-case letters, digits and hyphens, "
            "such as oakfield-primary"
        )
    schools = settings.schools_root()
    catalogue = load_catalogue(settings.content_root(), schools=schools)
    exists = (schools / school_id).is_dir()
    if school_id in catalogue.profiles and not exists:
        raise CommandError(f"{school_id} is a shipped school's id; choose another with --id")
    if exists and not args.update:
        raise CommandError(
            f"{school_id} is imported already; to import a new version of its policy and keep "
            "what was confirmed, add --update"
        )
    if args.update and not exists:
        raise CommandError(f"{school_id} has not been imported yet; leave out --update")
    path = Path(args.file)
    text = read_policy(path)
    previous = None
    if exists:
        setup = Setup(schools, school_id)
        previous = (setup.profile, setup.review)
    draft = draft_school(
        text, school_id, catalogue, source=path.name, name=args.name, previous=previous
    )
    imported.write_school(schools, school_id, text, draft.profile, draft.review)
    _summary(draft, school_id)
    return 0


def _summary(draft, school_id: str) -> None:
    profile, review = draft.profile, draft.review
    clauses = profile["clauses"]
    strengths = {s: sum(c["strength"] == s for c in clauses) for s in ("must", "should", "advice")}
    silent = [k for k, s in review.settings.items() if s.silent]
    proposed = sum(bool(c.proposed) for c in review.citations.values())
    print(f"Imported {profile['name']}: {profile['policy']['title']}")
    print(f"  approved: {profile['policy']['approved']}; review: {profile['policy']['review']}")
    print(
        f"  {len(clauses)} clauses ({strengths['must']} must, {strengths['should']} should, "
        f"{strengths['advice']} advice)"
    )
    print(
        f"  {len(review.settings)} settings proposed, {len(silent)} where the policy is silent "
        "(national guidance applies)"
    )
    print(f"  clauses proposed for {proposed} of {len(review.citations)} teaching points")
    if draft.kept:
        print(f"  {draft.kept} confirmations kept from the last import")
    for lost in draft.dropped:
        print(f"  no longer in the policy, so no longer cited: {lost}")
    print("Next:")
    print(f"  esafety policy settings {school_id}      answer each setting's question")
    print(f"  esafety policy citations {school_id}     confirm the clauses for each point")
    print(f"  esafety coverage --school {school_id}    see what is taught")
    print(f"  esafety init --school {school_id}        go live, once the settings are confirmed")


def show_settings(args: argparse.Namespace) -> int:
    from toolkit.content.policy_settings import CHOSEN_BY_SCHOOL
    from toolkit.content.school_setup import Setup, editing

    schools = settings.schools_root()
    changes = [_pair(item) for item in args.set]
    if args.accept or args.accept_all or changes:
        # As the setup page does: read afresh, change, save, under the school's lock.
        with editing(schools, args.id) as setup:
            for name in args.accept:
                setup.answer(name)
            if args.accept_all:
                for name in setup.review.unconfirmed_settings:
                    setup.answer(name)
            for name, value in changes:
                setup.answer(name, value)
    setup = Setup(schools, args.id)
    for answer in setup.answers():
        q = answer.question
        state = "confirmed" if answer.confirmed else "to confirm"
        print(f"{q.name} [{state}]: {answer.value}")
        print(f"  {q.ask}")
        if q.options:
            print(f"  {q.options.get(answer.value, '')}")
        if q.name in CHOSEN_BY_SCHOOL:
            print("  Your school's choice: policies do not set it (the usual value is shown).")
        elif answer.silent:
            print("  The policy says nothing on this: the national-guidance answer applies.")
        for clause in answer.evidence:
            print(f"  evidence {clause.id}: {clause.quoted}")
    left = setup.review.unconfirmed_settings
    if left:
        print(f"{len(left)} settings to confirm: {', '.join(left)}")
        print(
            f"Confirm a proposal with --accept NAME, or all with --accept-all; "
            f"change one with --set NAME=VALUE (esafety policy settings {args.id} --set ...)."
        )
    else:
        print(f"Every setting is confirmed: go live with 'esafety init --school {args.id}'.")
    return 0


def _pair(item: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    if not sep or not name.strip():
        raise CommandError(f"--set takes NAME=VALUE, not {item!r}")
    return name.strip(), value


def show_citations(args: argparse.Namespace) -> int:
    from toolkit.content import load_catalogue
    from toolkit.content.school_setup import Setup, editing

    schools = settings.schools_root()
    if args.confirm or args.none:
        # Confirmations re-rank the points left, which needs the content they are ranked for.
        catalogue = load_catalogue(settings.content_root(), schools=schools)
        with editing(schools, args.id, catalogue) as setup:
            for item in args.confirm:
                key, _, ids = item.partition("=")
                setup.confirm(key.strip(), [c.strip() for c in ids.split(",") if c.strip()])
            for key in args.none:
                setup.confirm(key, [])
    setup = Setup(schools, args.id)
    clauses = {c.id: c for c in setup.profile.clauses}
    left = setup.review.unreviewed_points
    for key in left if not args.all else list(setup.review.citations):
        point = setup.review.citations[key]
        shown = point.confirmed if point.confirmed is not None else point.proposed
        state = "confirmed" if point.confirmed is not None else "proposed"
        print(f"{key} [{state}]")
        for clause_id in shown:
            print(f"  {clause_id}: {clauses[clause_id].quoted[:110]}")
    total = len(setup.review.citations)
    print(f"{total - len(left)} of {total} teaching points confirmed; {len(left)} to review.")
    if left:
        print(
            "Confirm with --confirm KEY=CLAUSE[,CLAUSE], or --none KEY where no clause applies; "
            "a point left unconfirmed shows national guidance, never another school's words."
        )
    return 0


def add(sub: argparse._SubParsersAction) -> None:
    policy = sub.add_parser("policy", help="Import your school's own policy and confirm it.")
    policy_sub = policy.add_subparsers(dest="policy_command", required=True)
    p = policy_sub.add_parser(
        "import", help="Read a policy (.pdf, .docx or .txt) into a draft school to confirm."
    )
    p.add_argument("file", help="The policy document.")
    p.add_argument("--id", required=True, help="The school's id, e.g. oakfield-primary.")
    p.add_argument("--name", help="The school's name, if the policy does not state it.")
    p.add_argument(
        "--update",
        action="store_true",
        help="A new version of an imported policy: keep the settings and citations confirmed.",
    )
    p.set_defaults(func=import_policy)
    p = policy_sub.add_parser("settings", help="Answer each setting's question for the school.")
    p.add_argument("id", help="The imported school's id.")
    p.add_argument("--accept", action="append", default=[], metavar="NAME", help="Confirm one.")
    p.add_argument("--accept-all", action="store_true", help="Confirm every proposal as it is.")
    p.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="Change one, confirmed."
    )
    p.set_defaults(func=show_settings)
    p = policy_sub.add_parser(
        "citations", help="Confirm which of the school's clauses support each teaching point."
    )
    p.add_argument("id", help="The imported school's id.")
    p.add_argument(
        "--confirm", action="append", default=[], metavar="KEY=CLAUSE,...", help="Confirm these."
    )
    p.add_argument("--none", action="append", default=[], metavar="KEY", help="No clause applies.")
    p.add_argument("--all", action="store_true", help="List every point, not only those left.")
    p.set_defaults(func=show_citations)
