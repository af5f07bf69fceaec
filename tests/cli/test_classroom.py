"""`esafety classes` and `esafety lessons`: the classes taught, and printable lesson plans."""

from __future__ import annotations

from markupsafe import escape

from tests.cli import esafety


def test_classes_add_and_list(initialised):
    """Does `esafety classes add NAME --band` add a class, refusing a duplicate or a bad band?"""
    home = initialised
    added = esafety(home, "classes", "add", "Year 2  Oak", "--band", "5-7")
    assert added.returncode == 0 and "Added class Year 2 Oak (ages 5-7)" in added.stdout
    again = esafety(home, "classes", "add", "year 2 oak", "--band", "5-7")
    assert again.returncode == 1 and "already a class" in again.stderr
    assert esafety(home, "classes", "add", "Y6", "--band", "11-14").returncode == 2
    listed = esafety(home, "classes", "list")
    assert "Year 2 Oak  (ages 5-7)" in listed.stdout


def test_lessons_print_writes_a_printable_plan(initialised, tmp_path):
    """Does `esafety lessons print LESSON --out FILE` write the plan with the school's DSL title?"""
    home = initialised
    assert esafety(home, "init", "--school", "st-benedicts-catholic-primary").returncode == 0
    out = tmp_path / "plan.html"
    result = esafety(home, "lessons", "print", "safe-5-7", "--out", str(out))
    assert result.returncode == 0, result.stderr
    page = out.read_text()
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page
    assert escape("St Benedict's Catholic Primary School") in page and "Teacher notes" in page
    assert "{{" not in page
    missing = esafety(home, "lessons", "print", "no-such-lesson", "--out", str(out))
    assert missing.returncode == 1 and "esafety lessons list" in missing.stderr
