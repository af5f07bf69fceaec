"""`esafety settings`, and the rule behind it: every setting declared once, in toolkit.settings."""

from __future__ import annotations

import re

from tests.cli import environment, esafety
from toolkit import settings
from toolkit.settings import PROJECT_ROOT

TOKEN = "a-dsl-token-that-is-long-enough-to-be-accepted"


def test_settings_lists_each_value_and_its_origin_and_hides_secrets(home):
    """Does `esafety settings` list every setting with its value, where the value came from and
    its help, showing the DSL token and a database password only as set?"""
    env = environment(
        home,
        ESAFETY_DSL_TOKEN=TOKEN,
        ESAFETY_POOL_SIZE="7",
        ESAFETY_DATABASE_URL="postgresql+psycopg://trust:hunter2@db.example/esafety",
    )
    result = esafety(home, "settings", env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines if not line.startswith(" ")] == list(
        settings.SETTINGS
    )
    assert "pool_size: 7  (from ESAFETY_POOL_SIZE)" in lines
    assert "max_kernels: 120  (default; set ESAFETY_MAX_KERNELS to change it)" in lines
    assert f"home: {home}  (from ESAFETY_HOME)" in lines
    assert "dsl_token: set (hidden)  (from ESAFETY_DSL_TOKEN)" in lines
    assert (
        "database_url: postgresql+psycopg://trust:***@db.example/esafety  "
        "(from ESAFETY_DATABASE_URL)" in lines
    )
    assert TOKEN not in result.stdout and "hunter2" not in result.stdout
    words = " ".join(result.stdout.split())
    for setting in settings.SETTINGS.values():
        assert " ".join(setting.help.split()) in words, setting.env
    unset = esafety(home, "settings")
    assert "dsl_token: not set  (default; set ESAFETY_DSL_TOKEN to change it)" in unset.stdout


def test_every_setting_the_code_and_docs_name_is_declared_in_settings():
    """Is every ESAFETY_ variable named in the package, the README or the docs declared in
    toolkit.settings, where `esafety settings` lists it?"""
    declared = {setting.env for setting in settings.SETTINGS.values()}
    files = [*PROJECT_ROOT.glob("toolkit/**/*.py"), PROJECT_ROOT / "README.md"]
    files += PROJECT_ROOT.glob("docs/*.md")
    named = {
        (name, path.relative_to(PROJECT_ROOT).as_posix())
        for path in files
        for name in re.findall(r"\bESAFETY_[A-Z_]+\b", path.read_text(encoding="utf-8"))
    }
    assert [(name, where) for name, where in sorted(named) if name not in declared] == []
