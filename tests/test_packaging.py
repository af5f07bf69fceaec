"""The built package on its own: a wheel installed in a fresh environment, away from the
checkout, finds its content and notebooks, sets up a school and serves the staff page."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import sysconfig
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.conftest import _actual_url, _stop, free_port, http_get
from toolkit import resources
from toolkit.settings import PROJECT_ROOT

START_TIMEOUT_S = 60
RENDER_TIMEOUT_S = 120


@dataclass
class Installed:
    wheel: Path
    venv: Path
    package: Path  # the installed toolkit/ folder

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    def env(self, home: Path) -> dict[str, str]:
        """The environment of a school running the installed toolkit: its own data folder,
        nothing pointing back at the checkout."""
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("ESAFETY_") and k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
        }
        return {
            **env,
            "ESAFETY_HOME": str(home),
            "ESAFETY_POOL_SIZE": "0",  # no page rendered ahead: the test asks for one
            # The venv's own commands first; then the project's (nbgrader runs `alembic`).
            "PATH": os.pathsep.join([str(self.bin), os.path.dirname(sys.executable), env["PATH"]]),
            # Voila's and nbconvert's page templates are data files of the project's packages.
            "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter"),
            "PYTHONUNBUFFERED": "1",
        }

    def run(self, home: Path, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(self.bin / "esafety"), *args],
            env=self.env(home),
            cwd=home.parent,
            capture_output=True,
            text=True,
            timeout=300,
        )

    def files(self) -> set[Path]:
        """The installed package's files, bytecode aside."""
        return {
            p.relative_to(self.package)
            for p in self.package.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }


def _build_wheel(out: Path) -> Path:
    """`pip wheel` of the checkout, with the project's own setuptools when it is new enough."""
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out)]
    setuptools = importlib.metadata.version("setuptools")
    if int(setuptools.split(".")[0]) >= 77:
        command.append("--no-build-isolation")  # offline, and seconds rather than a download
    subprocess.run([*command, str(PROJECT_ROOT)], check=True, cwd=out, timeout=300)
    (wheel,) = out.glob("esafety_toolkit-*.whl")
    return wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """The wheel, built once and installed in a new virtual environment outside the checkout.

    The environment gets the wheel alone; the third-party packages are the project's, seen
    through a .pth file that lists the project's site-packages. Such a folder is only added
    to the path: its own .pth files, among them an editable install's hook, are not run.
    """
    root = tmp_path_factory.mktemp("packaging")
    wheel = _build_wheel(root)
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    clean = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps"]
        + ["--ignore-installed", "--no-index", "--disable-pip-version-check", str(wheel)],
        env=clean,  # a toolkit visible from elsewhere must not count as installed here
        check=True,
        timeout=300,
    )
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    ours = dict.fromkeys([sysconfig.get_path("purelib"), sysconfig.get_path("platlib")])
    (Path(site) / "project-packages.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    return Installed(wheel=wheel, venv=venv, package=Path(site) / "toolkit")


def test_a_checkout_reads_its_own_top_level_folders():
    """Run from the checkout (as an editable install does), is the content its top level?"""
    assert resources.shipped_root() == PROJECT_ROOT
    assert not resources.installed()
    assert (resources.notebooks_dir() / "staff.ipynb").is_file()


def test_a_schools_own_content_folder_needs_no_notebooks(tmp_path, monkeypatch):
    """With ESAFETY_CONTENT naming a folder of policies/ and scenarios/ alone, are the apps
    still staged from the toolkit's own notebooks?"""
    from toolkit.cli.serve import stage_apps

    monkeypatch.setenv("ESAFETY_CONTENT", str(tmp_path / "content"))
    folder = stage_apps(tmp_path / "serve")
    assert sorted(p.name for p in folder.iterdir()) == ["classroom.ipynb", "staff.ipynb"]


def test_the_wheel_holds_every_content_file_and_notebook_and_no_tests(installed):
    """Does the wheel carry each file of policies/, scenarios/ and notebooks/, the templates
    and the migrations, and nothing of the tests or the data folder?"""
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for folder in resources.SHIPPED_FOLDERS:
        files = [p for p in (PROJECT_ROOT / folder).rglob("*") if p.is_file()]
        assert files, folder
        for path in files:
            if not any(part.startswith(".") or part == "__pycache__" for part in path.parts):
                name = f"toolkit/shipped/{path.relative_to(PROJECT_ROOT).as_posix()}"
                assert name in names, f"{name} is not in the wheel"
    assert "toolkit/templates/voila/index.html.j2" in names
    assert "toolkit/store/migrations/script.py.mako" in names
    assert not [n for n in names if n.startswith(("tests/", "var/", "toolkit/shipped/grading"))]


def test_the_installed_toolkit_is_the_wheels_own(installed, tmp_path):
    """In the new environment, is toolkit imported from it (not from the checkout) and is the
    content found inside the installed package?"""
    code = (
        "import toolkit, toolkit.resources as r; print(toolkit.__file__); print(r.shipped_root())"
    )
    home = tmp_path / "data"
    result = subprocess.run(
        [str(installed.bin / "python"), "-c", code],
        env=installed.env(home),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    module, shipped = map(Path, result.stdout.split())
    assert module == installed.package / "__init__.py"
    assert shipped == installed.package / "shipped"


@pytest.mark.timeout(600)  # setting up the school builds six quizzes: slow on a busy machine
def test_validate_init_and_serve_work_from_the_wheel_and_write_only_to_the_data_folder(
    installed, tmp_path
):
    """Do `esafety validate`, `init --demo` and `serve` work from the installed wheel alone,
    is the staff page rendered, and is everything written in the data folder, never the
    package?"""
    home = tmp_path / "data"
    before = installed.files()
    result = installed.run(home, "validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK: 5 school profiles")
    result = installed.run(home, "init", "--demo")
    assert result.returncode == 0, result.stderr
    assert "Barley Lane Primary School" in result.stdout
    result = installed.run(home, "schema")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "schemas" / "profile.schema.json").is_file()  # the current folder's

    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [str(installed.bin / "esafety"), "serve", "--port", str(free_port())],
            env=installed.env(home),
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, ended as a whole
        )
    try:
        url, deadline = None, time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert proc.poll() is None, f"esafety serve exited:\n{log.read_text()}"
            url = url or _actual_url(log)
            try:
                if url and http_get(url + "voila/static/voila.js", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.25)
        else:
            pytest.fail(f"esafety serve did not answer in {START_TIMEOUT_S} s:\n{log.read_text()}")
        status, body = http_get(url + "voila/render/staff.ipynb", timeout=RENDER_TIMEOUT_S)
        assert status == 200, log.read_text()
        assert b"application/vnd.jupyter.widget-view+json" in body, log.read_text()
    finally:
        _stop(proc)

    assert installed.files() == before  # nothing written into the installed package
    assert (home / "serve" / "staff.ipynb").is_file()
    assert (home / "grading" / "source").is_dir()
    assert list((home / "cache").glob("catalogue-*.pickle"))
    assert not (tmp_path / "var").exists()  # the data folder is the one set, not ./var
