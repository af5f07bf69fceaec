"""Build step: the content and app notebooks, kept at the top of the repository, ship in the package.

Everything else about the package is in pyproject.toml. `toolkit.resources` finds the copied
folders in an installed package, and the repository's own folders in an editable install.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SHIPPED_FOLDERS = ("policies", "guidance", "scenarios", "notebooks")  # as in toolkit/resources.py
PACKAGED = Path("toolkit") / "shipped"


class BuildWithContent(build_py):
    """build_py, then a fresh copy of the shipped folders into the built package."""

    def run(self) -> None:
        if self.editable_mode:  # an editable install reads them from the repository
            super().run()
            return
        # From scratch: a module or file removed since the last build must not ship again.
        shutil.rmtree(Path(self.build_lib) / "toolkit", ignore_errors=True)
        super().run()
        target = Path(self.build_lib) / PACKAGED
        for folder in SHIPPED_FOLDERS:
            shutil.copytree(
                HERE / folder,
                target / folder,
                ignore=shutil.ignore_patterns(".*", "__pycache__", "*.pyc"),
            )

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        copied = Path(self.build_lib) / PACKAGED
        extra = [] if self.editable_mode else [str(p) for p in copied.rglob("*") if p.is_file()]
        return [*super().get_outputs(include_bytecode), *extra]


setup(cmdclass={"build_py": BuildWithContent})
