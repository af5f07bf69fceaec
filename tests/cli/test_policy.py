"""`esafety policy`: a school's own policy imported, its settings answered and its citations
confirmed at the terminal; `init` waits for the settings; nothing half-done is ever written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from tests.cli import esafety
from toolkit.content import load_catalogue
from toolkit.content.imported import read_review
from toolkit.school.school import School
from toolkit.settings import PROJECT_ROOT

POLICY = PROJECT_ROOT / "tests" / "content" / "policies" / "oakfield-primary.txt"
SCHOOL = "oakfield-primary"
FRIEND_REQUEST = "Staff must not accept friend requests from pupils."


@pytest.fixture(scope="module")
def imported_template(tmp_path_factory) -> tuple[Path, str]:
    """A data folder with the made-up policy imported (not yet confirmed), and the output."""
    home = tmp_path_factory.mktemp("imported") / "data"
    result = esafety(home, "policy", "import", str(POLICY), "--id", SCHOOL)
    assert result.returncode == 0, result.stderr
    return home, result.stdout


@pytest.fixture
def imported(tmp_path: Path, imported_template) -> Path:
    home = tmp_path / "data"
    shutil.copytree(imported_template[0], home)
    return home


def profile(home: Path) -> dict:
    return yaml.safe_load((home / "schools" / SCHOOL / f"{SCHOOL}.yaml").read_text("utf-8"))


def clause_id(home: Path, text: str) -> str:
    return next(c["id"] for c in profile(home)["clauses"] if c["text"] == text)


def catalogue(home: Path):
    return load_catalogue(PROJECT_ROOT, schools=home / "schools")


def test_import_writes_a_draft_school_quoted_from_the_policy(imported_template):
    home, printed = imported_template
    assert "Imported Oakfield Primary School" in printed and "esafety policy settings" in printed
    draft = profile(home)
    assert draft["name"] == "Oakfield Primary School"
    assert draft["policy"]["approved"].startswith("March 2026")
    source = " ".join((home / "schools" / SCHOOL / "policy.txt").read_text("utf-8").split())
    assert all(" ".join(c["text"].split()) in source for c in draft["clauses"])
    item = next(c for c in draft["clauses"] if c["text"].startswith("share photographs"))
    assert item["lead_in"] == "Staff must not" and item["strength"] == "must"
    review = read_review(home / "schools" / SCHOOL)
    assert review.unconfirmed_settings and not any(c.confirmed for c in review.citations.values())
    assert SCHOOL in catalogue(home).profiles  # valid content, loaded beside the shipped schools


def test_an_unreadable_document_writes_nothing(home, tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 not really")
    result = esafety(home, "policy", "import", str(scan), "--id", SCHOOL)
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr and not (home / "schools" / SCHOOL).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--id", "Oak Field!"], "cannot be a school id"),
        (["--id", "barley-lane-primary"], "shipped school's id"),
        (["--id", SCHOOL, "--update"], "has not been imported yet"),
    ],
)
def test_a_bad_id_is_refused_with_what_to_do(home, args, message):
    result = esafety(home, "policy", "import", str(POLICY), *args)
    assert result.returncode == 1 and message in result.stderr
    assert not (home / "schools").exists() or not any((home / "schools").iterdir())


def test_importing_again_needs_update_and_keeps_what_was_confirmed(imported):
    again = esafety(imported, "policy", "import", str(POLICY), "--id", SCHOOL)
    assert again.returncode == 1 and "--update" in again.stderr
    rule = clause_id(imported, FRIEND_REQUEST)
    key = "friend-request-from-pupil/request/0"
    assert esafety(imported, "policy", "settings", SCHOOL, "--set", "pass_mark=90").returncode == 0
    assert (
        esafety(imported, "policy", "citations", SCHOOL, "--confirm", f"{key}={rule}").returncode
        == 0
    )
    updated = esafety(imported, "policy", "import", str(POLICY), "--id", SCHOOL, "--update")
    assert updated.returncode == 0, updated.stderr
    review = read_review(imported / "schools" / SCHOOL)
    assert (
        review.settings["pass_mark"].confirmed and profile(imported)["settings"]["pass_mark"] == 90
    )
    assert review.citations[key].confirmed == [clause_id(imported, FRIEND_REQUEST)]


def test_settings_are_listed_with_their_evidence_and_a_bad_answer_changes_nothing(imported):
    listed = esafety(imported, "policy", "settings", SCHOOL)
    assert listed.returncode == 0 and "contact_report_to [to confirm]" in listed.stdout
    before = (imported / "schools" / SCHOOL / "review.yaml").read_bytes()
    bad = esafety(imported, "policy", "settings", SCHOOL, "--set", "parents_as_friends=sometimes")
    assert bad.returncode == 1 and "must_not" in bad.stderr and "Traceback" not in bad.stderr
    assert (imported / "schools" / SCHOOL / "review.yaml").read_bytes() == before


def test_init_waits_for_confirmed_settings(imported):
    early = esafety(imported, "init", "--school", SCHOOL)
    assert early.returncode == 1 and f"esafety policy settings {SCHOOL}" in early.stderr
    done = esafety(
        imported,
        "policy",
        "settings",
        SCHOOL,
        "--set",
        "contact_report_to=the headteacher",
        "--accept-all",
    )
    assert done.returncode == 0 and "Every setting is confirmed" in done.stdout
    live = esafety(imported, "init", "--school", SCHOOL)
    assert live.returncode == 0 and "Set up for Oakfield Primary School" in live.stdout
    assert profile(imported)["settings"]["contact_report_to"] == "the headteacher"


def test_only_confirmed_citations_are_quoted_and_the_rest_falls_back_to_guidance(imported):
    rule = clause_id(imported, FRIEND_REQUEST)
    key = "friend-request-from-pupil/request/0"
    result = esafety(imported, "policy", "citations", SCHOOL, "--confirm", f"{key}={rule}")
    assert result.returncode == 0 and "1 of" in result.stdout
    school = School.resolve(catalogue(imported), SCHOOL)
    scenario = school.scenario("friend-request-from-pupil")
    confirmed = school.sources(scenario.steps["request"].choices[0])
    assert [q.text for q in confirmed.policy] == [FRIEND_REQUEST]
    other = school.sources(scenario.steps["request"].choices[1])
    assert not other.policy  # not confirmed: no clause of this school, and no other school's
    shipped = {
        c.text for p in catalogue(imported).profiles.values() if p.id != SCHOOL for c in p.clauses
    }
    for sc in school.scenarios_in_order():
        for step in sc.steps.values():
            for choice in step.choices:
                assert not {q.text for q in school.sources(choice).policy} & shipped


def test_coverage_shows_the_review_and_what_cites_nothing(imported):
    rule = clause_id(imported, FRIEND_REQUEST)
    esafety(
        imported,
        "policy",
        "citations",
        SCHOOL,
        "--confirm",
        f"friend-request-from-pupil/request/0={rule}",
    )
    result = esafety(imported, "coverage", "--school", SCHOOL)
    assert result.returncode == 0, result.stderr
    assert (
        f"{rule}" in result.stdout and "friend-request-from-pupil/request/choice 1" in result.stdout
    )
    assert "1 of" in result.stdout and "teaching points reviewed" in result.stdout
    line = next(x for x in result.stdout.splitlines() if "cite nothing of its policy" in x)
    bare = line.rsplit(": ", 1)[1].split(", ")
    assert "friend-request-from-pupil" not in bare and "quiz/contact" in bare


def test_a_bad_citation_is_refused(imported):
    result = esafety(
        imported,
        "policy",
        "citations",
        SCHOOL,
        "--confirm",
        "friend-request-from-pupil/request/0=no-such-clause",
    )
    assert result.returncode == 1 and "no clause 'no-such-clause'" in result.stderr
    unknown = esafety(imported, "policy", "citations", SCHOOL, "--none", "no/such/point")
    assert unknown.returncode == 1 and "no teaching point" in unknown.stderr


def test_confirming_re_ranks_the_points_left(imported):
    """Confirming one clause at every choice of a scenario but its last, does that clause come
    first at the last, while the confirmed points keep what they were proposed?"""
    keys = [k for k in read_review(imported / "schools" / SCHOOL).citations]
    *reviewed, last = [k for k in keys if k.startswith("friend-request-from-pupil/")]
    before = read_review(imported / "schools" / SCHOOL).citations
    general = clause_id(imported, "Staff should set their accounts to private.")
    assert before[last].proposed[:1] != [general]
    confirm = [f"--confirm={key}={general}" for key in reviewed]
    result = esafety(imported, "policy", "citations", SCHOOL, *confirm)
    assert result.returncode == 0, result.stderr
    after = read_review(imported / "schools" / SCHOOL).citations
    assert after[last].proposed[0] == general
    assert all(after[key].proposed == before[key].proposed for key in reviewed)
