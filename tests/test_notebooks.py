"""The Voila notebooks stay thin: a few cells calling toolkit, saved without outputs."""

from __future__ import annotations

import json

import pytest

from toolkit.settings import PROJECT_ROOT

NOTEBOOKS = sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_is_thin_and_has_no_outputs(path):
    """Is the notebook saved without outputs, with its logic in toolkit rather than in cells?"""
    cells = json.loads(path.read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert sum(len("".join(c["source"]).splitlines()) for c in code) <= 10
    assert any("from toolkit" in "".join(c["source"]) for c in code)


def test_there_is_a_staff_notebook():
    """Is the staff app's notebook where `esafety serve` looks for it?"""
    assert (PROJECT_ROOT / "notebooks" / "staff.ipynb") in NOTEBOOKS
