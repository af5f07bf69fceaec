"""`esafety hub config` and `esafety hub`: a working configuration, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli import environment, esafety
from toolkit.cli.serve import voila_command
from toolkit.settings import PERSON_HEADER


def test_hub_config_writes_a_configuration_for_the_school(initialised: Path):
    out = initialised / "jupyterhub_config.py"
    result = esafety(initialised, "hub", "config", "--out", str(out), "--proxy", "/usr/bin/chp")
    assert result.returncode == 0, result.stderr
    assert f"esafety hub --config {out}" in result.stdout
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# JupyterHub configuration for Barley Lane Primary School")
    compile(text, str(out), "exec")  # valid Python, as JupyterHub will run it


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--sign-in", "oidc", "--client-id", "x"], "needs --oidc-url"),
        (
            ["--sign-in", "oidc", "--client-id", "x", "--oidc-url", "http://127.0.0.1:9"],
            "cannot read",
        ),
        (["--url", "esafety.school.example"], "must start with https://"),
    ],
)
def test_hub_config_refuses_what_cannot_work_in_one_line(initialised: Path, args, says):
    out = initialised / "jupyterhub_config.py"
    result = esafety(initialised, "hub", "config", "--out", str(out), "--proxy", "chp", *args)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert says in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_the_hub_needs_its_configuration(initialised: Path):
    result = esafety(initialised, "hub", "--config", str(initialised / "missing.py"))
    assert result.returncode == 1 and "esafety hub config --out" in result.stderr


def test_serve_hub_is_only_for_the_hub_to_start(initialised: Path):
    result = esafety(initialised, "serve", "--hub", env=environment(initialised))
    assert result.returncode == 1 and "start the Hub with `esafety hub`" in result.stderr


def test_behind_the_hub_the_server_tells_each_page_who_signed_in(tmp_path: Path):
    hub = voila_command(tmp_path, "127.0.0.1", 10101, pool=0, hub=True)
    assert f"--VoilaConfiguration.http_header_envs={PERSON_HEADER}" in hub
    assert "--SchoolVoila.hub=True" in hub
    alone = voila_command(tmp_path, "127.0.0.1", 8866, pool=0)
    assert not any(PERSON_HEADER in part or "SchoolVoila.hub" in part for part in alone)
