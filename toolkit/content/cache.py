"""Validated content kept on disk, so each page's kernel loads it in milliseconds, not seconds.

Validating every policy, scenario, quiz and lesson takes about 0.8 s of CPU. A page's kernel
would pay that on every page view; with 30 staff opening the page at once on two cores that
alone is 24 s. The first loader (`esafety serve`, at start) validates and writes a pickle
named by a digest of the content files and the code that reads them; kernels load that.
Any change to a file or to the loader makes a new name, so a stale catalogue is never used.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import tempfile
from pathlib import Path

from toolkit import __version__
from toolkit.content import Catalogue, imported, load_catalogue, shipped_files

log = logging.getLogger(__name__)

PREFIX = "catalogue-"


def code_files() -> list[Path]:
    """Every module of the content package: a change to any of them may change the catalogue."""
    return sorted(Path(__file__).parent.rglob("*.py"))


def digest(root: Path, schools: Path | None = None) -> str:
    """Names this exact content (and the imported schools) as read by this exact code."""
    h = hashlib.sha256(__version__.encode())
    for code in code_files():
        h.update(code.read_bytes())
    for path in shipped_files(root):
        name = path.relative_to(root) if path.is_relative_to(root) else path  # shipped guidance
        h.update(str(name).encode() + b"\0")
        h.update(path.read_bytes())
    for path in imported.files(schools):
        h.update(f"{path.parent.name}/{path.name}".encode() + b"\0")
        h.update(path.read_bytes() if path.is_file() else b"")
    return h.hexdigest()[:24]


def cached_catalogue(root: Path, cache_dir: Path, schools: Path | None = None) -> Catalogue:
    """The validated catalogue of `root` and `schools`, from the cache if it holds this content."""
    path = cache_dir / f"{PREFIX}{digest(root, schools)}.pickle"
    try:
        with path.open("rb") as file:
            catalogue = pickle.load(file)
        if isinstance(catalogue, Catalogue):
            return catalogue
    except FileNotFoundError:
        pass
    except Exception:  # a damaged or foreign file: validate again and replace it
        log.warning("content cache %s is unreadable; validating the content again", path)
    # Raises ContentError: invalid content is never cached.
    catalogue = load_catalogue(root, schools=schools)
    for school_id in catalogue.profiles:  # rendered once here, not at each sign-in
        for scenario_id in catalogue.scenarios:
            catalogue.scenario_for(scenario_id, school_id)
    _write(path, catalogue)
    return catalogue


def _write(path: Path, catalogue: Catalogue) -> None:
    """Write whole or not at all (readers may be loading it), then drop older versions."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as file:
            pickle.dump(catalogue, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        for stale in path.parent.glob(f"{PREFIX}*.pickle"):
            if stale != path:
                stale.unlink(missing_ok=True)
    except OSError as err:  # a read-only data folder still serves, only slower
        log.warning("cannot write the content cache %s: %s", path, err)
