"""Where the toolkit's shipped content and app notebooks are: in the installed package or a checkout."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

# The repository keeps policies/, scenarios/ and notebooks/ at its top level; building the
# package copies them into toolkit/shipped/ (see setup.py), so an installed toolkit has them.
SHIPPED_FOLDERS = ("policies", "guidance", "scenarios", "notebooks")
PACKAGED = "shipped"
CHECKOUT = Path(__file__).resolve().parent.parent


def shipped_root() -> Path:
    """The folder holding the shipped policies/, scenarios/ and notebooks/: inside the installed
    package, or the top of the source checkout the toolkit runs from (an editable install)."""
    packaged = files("toolkit") / PACKAGED
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return CHECKOUT


def notebooks_dir() -> Path:
    """The app notebooks Voila serves; they are the toolkit's own, never a school's content."""
    return shipped_root() / "notebooks"


def installed() -> bool:
    """True when the toolkit runs from a built package, false in a source checkout."""
    return shipped_root() != CHECKOUT
