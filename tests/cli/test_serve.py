"""`esafety serve`: what it refuses before starting, and the Voila command it hands over to."""

from __future__ import annotations

import json

import pytest

from tests.cli import environment, esafety
from toolkit.cli.errors import CommandError
from toolkit.cli.serve import DSL_APP, SERVED_APPS, stage_apps, voila_command
from toolkit.settings import SettingError


def test_serve_refuses_to_start_before_init(home):
    """Does `esafety serve` on an empty data folder say to run init first?"""
    result = esafety(home, "serve", "--port", "1")
    assert result.returncode == 1 and "esafety init" in result.stderr


@pytest.mark.parametrize("extra", [[], ["--dsl"]])
def test_serve_on_a_missing_store_makes_none(home, extra):
    """Does `esafety serve` without a store exit 1 saying how to make one, creating no file?"""
    result = esafety(home, "serve", "--port", "1", *extra)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "esafety init --demo" in result.stderr
    assert "esafety init --school ID" in result.stderr
    assert not (home / "esafety.db").exists()


def test_voila_serves_only_the_staged_apps_no_files_and_manages_kernels(tmp_path, monkeypatch):
    """Is Voila told to serve a folder of just the staff and classroom notebooks, no files,
    with the toolkit's kernel manager, the settings' pool, cap and timeouts, and only the
    widgets' extensions?"""
    folder = stage_apps(tmp_path / "serve")
    assert sorted(p.name for p in folder.iterdir()) == ["classroom.ipynb", "staff.ipynb"]
    monkeypatch.setenv("ESAFETY_POOL_SIZE", "7")
    monkeypatch.setenv("ESAFETY_MAX_KERNELS", "40")
    monkeypatch.setenv("ESAFETY_IDLE_MINUTES", "1.5")
    monkeypatch.setenv("ESAFETY_PAGE_TIMEOUT", "300")
    command = voila_command(folder, "127.0.0.1", 8866, hosts=["training.school.example"])
    assert command[1:4] == ["-m", "toolkit.server.serve", str(folder)]
    assert "--VoilaConfiguration.preheat_kernel=True" in command
    assert "--SchoolVoila.pool_sizes=staff.ipynb=7" in command
    assert "--SchoolVoila.hosts=training.school.example" in command
    assert "--SchoolKernelManager.max_kernels=40" in command
    assert "--SchoolKernelManager.idle_timeout=90.0" in command
    assert "--VoilaExecutor.iopub_timeout=300" in command
    assert "--KernelManager.autorestart=False" in command
    # Pages load the widgets' JupyterLab extensions only, not every one installed.
    allowed = [a.split("=", 1)[1] for a in command if "extension_allowlist=" in a]
    assert allowed == ["@jupyter-widgets/jupyterlab-manager", "@voila-dashboards/widgets-manager8"]
    dsl = voila_command(folder, "127.0.0.1", 8867, pool=0)
    assert "--VoilaConfiguration.preheat_kernel=False" in dsl
    (folder / "dsl.ipynb").write_text("{}")
    with pytest.raises(CommandError):
        stage_apps(folder)


def test_the_dsl_server_serves_the_reports_and_the_setup_page_only(tmp_path):
    """Does `esafety serve --dsl` stage the DSL's reports and the policy setup page, behind its
    token, and the staff server neither?"""
    assert sorted(p.name for p in stage_apps(tmp_path / "dsl", DSL_APP).iterdir()) == [
        "dsl.ipynb",
        "setup.ipynb",
    ]
    assert not {"dsl.ipynb", "setup.ipynb"} & set(SERVED_APPS)


def test_staged_notebooks_have_cell_ids_and_the_command_no_deprecated_syntax(tmp_path):
    """Are the served notebooks given the cell ids nbformat 4.5 wants, and is Voila's command
    free of the container syntax traitlets warns about at every start?"""
    folder = stage_apps(tmp_path / "serve")
    for notebook in folder.iterdir():
        cells = json.loads(notebook.read_text("utf-8"))["cells"]
        assert all(cell.get("id") for cell in cells), notebook.name
    values = [arg.split("=", 1)[-1] for arg in voila_command(folder, "127.0.0.1", 8866)]
    assert not [v for v in values if v.startswith(("[", "{"))]


def test_serve_dsl_refuses_a_short_token_in_one_line(home):
    """Does `esafety serve --dsl` with ESAFETY_DSL_TOKEN=1 stop at once, saying what is wrong?"""
    env = environment(home, ESAFETY_DSL_TOKEN="1")
    result = esafety(home, "serve", "--dsl", "--port", "1", env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("esafety: ESAFETY_DSL_TOKEN must be at least 32")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ESAFETY_POOL_SIZE", "many"),
        ("ESAFETY_MAX_KERNELS", "0"),
        ("ESAFETY_IDLE_MINUTES", "-1"),
        ("ESAFETY_PAGE_TIMEOUT", "soon"),
    ],
)
def test_serve_refuses_a_setting_it_cannot_use_and_names_it(tmp_path, monkeypatch, name, value):
    """Does a bad serving setting stop `esafety serve` with a message naming the setting?"""
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingError, match=name):
        voila_command(tmp_path, "127.0.0.1", 8866)


def test_serve_refuses_a_port_setting_that_is_not_a_number_in_one_line(home):
    """Does ESAFETY_PORT=http stop `esafety serve` at once with one line naming the setting?"""
    result = esafety(home, "serve", env=environment(home, ESAFETY_PORT="http"))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("esafety: ESAFETY_PORT must be a whole number of 1 or more")


def test_the_dsl_server_starts_before_init_where_a_policy_was_imported(tmp_path, monkeypatch):
    """With a policy imported but no school set up yet, does the DSL's server get ready (so its
    setup page can be used to go live), while the staff server still asks for init?"""
    from tests.apps import imported_school
    from toolkit.cli.serve import prepare
    from toolkit.content import load_catalogue
    from toolkit.settings import PROJECT_ROOT, schools_root

    monkeypatch.setenv("ESAFETY_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("ESAFETY_DATABASE_URL", raising=False)
    with pytest.raises(Exception, match="esafety init"):
        prepare(dsl=True)  # nothing imported: as before
    imported_school.write(schools_root(), load_catalogue(PROJECT_ROOT))
    prepare(dsl=True)
    with pytest.raises(Exception, match="esafety init"):
        prepare(dsl=False)
    assert not (tmp_path / "data" / "esafety.db").exists()
