"""`esafety scenarios`: the list, and scenarios printed as a school's staff see them."""

from __future__ import annotations

import pytest

from tests.cli import esafety

SCENARIO = "friend-request-from-pupil"


def test_list_names_every_scenario_in_module_order(home, catalogue):
    """Does `esafety scenarios list` name every scenario, the first module's first?"""
    result = esafety(home, "scenarios", "list")
    assert result.returncode == 0, result.stderr
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert sorted(listed) == sorted(catalogue.scenarios)
    first = min(catalogue.modules.values(), key=lambda m: m.order)
    assert catalogue.scenarios[listed[0]].module == first.id


def test_print_one_scenario_for_a_named_school(home, tmp_path, catalogue):
    """Does `print SCENARIO --school ID --format txt` write that school's words and clauses,
    with no data folder set up?"""
    out = tmp_path / "scenario.txt"
    args = ["scenarios", "print", SCENARIO, "--school", "lunsford-primary", "--format", "txt"]
    result = esafety(home, *args, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Lunsford Primary School" in result.stdout and str(out) in result.stdout
    text = out.read_text(encoding="utf-8")
    flat = " ".join(text.split())
    assert catalogue.scenarios[SCENARIO].title in text and "Your policy:" in text
    assert "{{" not in text and max(len(line) for line in text.splitlines()) <= 80
    lunsford = catalogue.profiles["lunsford-primary"]
    assert f"Tell {lunsford.settings.contact_report_to}" in flat


def test_print_all_as_html_for_the_school_set_up_here(initialised, tmp_path, catalogue):
    """Does `print --all --format html`, without --school, print every scenario for the school
    set up in the data folder, as one printable page with a contents list?"""
    out = tmp_path / "all.html"
    result = esafety(
        initialised, "scenarios", "print", "--all", "--format", "html", "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    assert f"Wrote {len(catalogue.scenarios)} scenarios" in result.stdout
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en-GB">' in page
    assert "@media print" in page and ">Contents</h2>" in page
    assert catalogue.profiles["barley-lane-primary"].name in page
    for scenario_id in catalogue.scenarios:
        assert f'id="scenario-{scenario_id}"' in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([SCENARIO, "--all"], "not both"),
        ([], "give --all for every one"),
        (["no-such-scenario"], "no scenario 'no-such-scenario'; see 'esafety scenarios list'"),
        ([SCENARIO, "--school", "no-such-school"], "no school 'no-such-school'; the schools are"),
        ([SCENARIO], "name the school with --school ID"),  # no school set up here
    ],
    ids=["both", "neither", "unknown-scenario", "unknown-school", "no-school"],
)
def test_print_refuses_with_one_line_and_writes_nothing(home, tmp_path, args, message):
    """Is each mistake one line on stderr, exit 1, no traceback, and no file left behind?"""
    out = tmp_path / "out.txt"
    result = esafety(home, "scenarios", "print", *args, "--format", "txt", "--out", str(out))
    assert result.returncode == 1
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not out.exists() and not list(tmp_path.glob("*.part"))


def test_print_refuses_an_unwritable_out_and_keeps_the_old_file(home, tmp_path):
    """Is an --out in a missing folder refused before any work, and is an existing file left
    as it was when the command fails?"""
    args = ["scenarios", "print", SCENARIO, "--school", "lunsford-primary", "--format", "txt"]
    missing = esafety(home, *args, "--out", str(tmp_path / "no-folder" / "out.txt"))
    assert missing.returncode == 1 and "does not exist" in missing.stderr
    assert "Traceback" not in missing.stderr
    old = tmp_path / "old.txt"
    old.write_text("kept")
    failed = esafety(home, *args[:2], "no-such-scenario", *args[3:], "--out", str(old))
    assert failed.returncode == 1 and old.read_text() == "kept"
    assert not list(tmp_path.glob("*.part"))  # no temporary file left
