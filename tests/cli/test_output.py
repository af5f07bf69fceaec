"""Files the commands write (--out): checked before any work, written whole or not at all."""

from __future__ import annotations

import errno
import os

import pytest

from tests.cli import esafety
from toolkit.cli.output import OutputError, write_output

OUT_COMMANDS = {
    "learner export": ["learner", "export", "priya.shah@barley-lane-primary.example"],
    "report": ["report", "--format", "csv"],
    "lessons print": ["lessons", "print", "safe-5-7"],
}


def test_out_into_a_missing_folder_or_at_a_folder_is_one_line_and_touches_nothing(
    home, demo_output, tmp_path
):
    """Does --out naming a missing folder, or a folder, give one line saying where and what to do?"""
    folder = tmp_path / "evidence"
    folder.mkdir()
    (folder / "kept.txt").write_text("kept")
    for command, args in OUT_COMMANDS.items():
        missing = tmp_path / "no-such-folder" / "out.html"
        result = esafety(home, *args, "--out", str(missing))
        assert result.returncode == 1, command
        assert "Traceback" not in result.stderr, command
        assert result.stderr.strip() == (
            f"esafety: --out {missing}: the folder {missing.parent} does not exist: "
            "create it first, or choose another"
        ), command
        assert not missing.parent.exists()
        result = esafety(home, *args, "--out", str(folder))
        assert result.returncode == 1 and "Traceback" not in result.stderr, command
        line = result.stderr.strip()
        assert line.startswith(
            f"esafety: --out {folder} is a folder: name a file in it, e.g. {folder}/"
        ), command
        assert "\n" not in line, command
        assert [p.name for p in folder.iterdir()] == ["kept.txt"], command


def test_a_failed_write_leaves_the_old_file_whole(tmp_path, monkeypatch):
    """If writing --out fails part way (a full disk), is the file that was there kept, with no debris?"""
    out = tmp_path / "report.csv"
    out.write_text("last term's report\n")

    def full_disk(src, dst):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OutputError, match=f"cannot write {out}: No space left on device"):
        write_output(out, "this term's report\n")
    assert out.read_text() == "last term's report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["report.csv"]
