"""Files the commands write: the path checked before any work, the file written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class OutputError(Exception):
    """An output path that cannot be written, with what to do instead."""


def output_path(value: str, example: str) -> Path:
    """The file an --out option names, once it is known that it can be written there.

    Checked before any work, so a long report does not end in an error.
    """
    out = Path(value).expanduser()
    if out.is_dir():
        raise OutputError(f"--out {value} is a folder: name a file in it, e.g. {out / example}")
    folder = out.parent
    if not folder.is_dir():
        raise OutputError(
            f"--out {value}: the folder {folder} does not exist: create it first, or choose another"
        )
    if not os.access(folder, os.W_OK):
        raise OutputError(f"--out {value}: cannot write in the folder {folder}: choose another")
    return out


def write_output(out: Path, data: str | bytes) -> None:
    """Write the whole file, or leave what was there untouched (a disk that fills, a crash)."""
    blob = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    except OSError as err:
        raise OutputError(f"cannot write {out}: {err.strerror}") from None
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(blob)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)  # as an ordinary new file; mkstemp makes 0600
        os.replace(temporary, out)
    except OSError as err:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"cannot write {out}: {err.strerror}") from None
