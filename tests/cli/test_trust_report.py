"""`esafety report --trust FILE`: the trust's report as CSV, HTML or PDF, end to end."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from tests.cli import esafety
from tests.reports.trust_schools import make_trust


@pytest.fixture
def folder(tmp_path, catalogue, monkeypatch):
    return make_trust(tmp_path, catalogue, monkeypatch)


@pytest.mark.parametrize("form", ["csv", "html", "pdf"])
def test_the_trust_report_in_each_format(home, folder, tmp_path, form):
    """Does the command write the report of every school, and say which could not be read?"""
    out = tmp_path / f"trust.{form}"
    result = esafety(
        home, "report", "--trust", str(folder.path), "--format", form, "--out", str(out)
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"Wrote the {form.upper()} report for 3 schools of Riverside Learning Trust to {out}"
    )
    assert lines[1].startswith("  West School: not read: no progress store")
    if form == "pdf":
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(out.read_bytes())).pages)
    else:
        text = out.read_text(encoding="utf-8")
    for school in ("North Academy", "South Primary", "West School"):
        assert school in text
    assert "Riverside Learning Trust" in text
    assert "Bob" not in text and "bob@school.example" not in text
    if form == "csv":
        assert f"Riverside Learning Trust,{date.today().isoformat()},north" in text


def test_a_faulty_trust_file_is_one_line_and_exit_code_1(home, tmp_path):
    """Does a trust file with problems end the command with one line naming the first, how
    many more, and the command that lists them all, with no traceback and no file written?"""
    path = tmp_path / "trust.yaml"
    path.write_text(
        "schema_version: 1\nname: T\nschools:\n  - id: Oak\n    profile: nowhere\n"
        "    database_url: sqlite:////srv/a.db\n",
        encoding="utf-8",
    )
    out = tmp_path / "trust.csv"
    result = esafety(home, "report", "--trust", str(path), "--format", "csv", "--out", str(out))
    assert result.returncode == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith(f"esafety: the trust file cannot be used: {path}: /schools/0/")
    assert "(and 1 more problem)" in result.stderr
    assert result.stderr.rstrip().endswith(f"esafety trust check {path}")
    assert not out.exists()


def test_a_missing_trust_file_is_one_line(home, tmp_path):
    """Does a trust file that is not there end the command with one line and exit code 1?"""
    path = tmp_path / "nowhere.yaml"
    result = esafety(
        home, "report", "--trust", str(path), "--format", "html", "--out", str(tmp_path / "x")
    )
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1 and str(path) in result.stderr
    assert "Traceback" not in result.stderr


def test_role_and_group_are_refused_with_a_trust(home, folder, tmp_path):
    """Are the one-school filters refused beside --trust, rather than silently ignored?"""
    result = esafety(
        home,
        *("report", "--trust", str(folder.path), "--format", "csv"),
        *("--out", str(tmp_path / "t.csv"), "--role", "teacher"),
    )
    assert result.returncode == 1
    assert result.stderr.startswith("esafety: --role and --group filter one school's report")
