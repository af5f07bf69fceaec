"""Importing a roster CSV of N staff, against the import as it was, in one run.

Each import goes into a fresh SQLite store and covers all of `esafety roster import` but
reading the file: parsing the CSV, making and hashing an access code for each person, and
adding everyone in one transaction.

* now: scrypt n=2**10 for the codes, hashed on every core (toolkit.store.hash_codes);
* baseline: the import as it was before, one scrypt n=2**14 hash after another.

Usage: python benchmarks/roster_import.py [--sizes 1000 10000] [--baseline-max 10000] [--smoke]
Prints one line per size. Nothing is asserted: timings belong here, not in tests; `--smoke`
(20 and 250 rows, the baseline on 20) only shows that it still runs.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from toolkit import store as store_module  # noqa: E402
from toolkit.store import Store, check_code  # noqa: E402
from toolkit.store import codes as codes_module  # noqa: E402
from toolkit.store.roster import import_roster  # noqa: E402

OLD_N = 2**14  # the cost every code was hashed at before


def roster_csv(rows: int) -> bytes:
    lines = ["name,email,role,start_date,group"]
    lines += [
        f"Staff {i},staff{i}@trust.example,teacher,2026-09-01,School {i % 40}" for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def hashed_one_by_one(codes: list[str], progress=None) -> list[str]:
    return [store_module.hash_code(code, n=OLD_N) for code in codes]


def timed_import(rows: int, baseline: bool) -> float:
    """Seconds to import `rows` people into a fresh store; checks one code signs in."""
    data = roster_csv(rows)
    with tempfile.TemporaryDirectory(prefix="roster-bench-") as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'esafety.db'}")
        try:
            old = mock.patch.object(codes_module, "hash_codes", hashed_one_by_one)
            with old if baseline else contextlib.nullcontext():
                started = time.perf_counter()
                created = import_roster(store, data)
                seconds = time.perf_counter() - started
            learner, code = created[-1]
            if store.learner_count() != rows or not check_code(code, store_hash(store, learner)):
                raise SystemExit(f"{rows} rows: the import is not whole")
        finally:
            store.close()
    return seconds


def store_hash(store: Store, learner) -> str:
    table = store_module.learners
    with store.engine.connect() as conn:
        return conn.scalar(select(table.c.code_hash).where(table.c.id == learner.id))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[1000, 10000], help="Rows to import."
    )
    parser.add_argument(
        "--baseline-max",
        type=int,
        default=10000,
        help="Measure the baseline only for sizes up to this (it takes about 40 ms a row).",
    )
    parser.add_argument("--smoke", action="store_true", help="Tiny rosters: does it still run?")
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes, args.baseline_max = [20, store_module.PARALLEL_FROM + 50], 20

    cores = store_module._cores()
    print(f"machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}")
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"scrypt n: now {store_module.CODE_SCRYPT_N}, baseline {OLD_N}")
    for rows in args.sizes:
        now = timed_import(rows, baseline=False)
        line = f"{rows:>7,} rows: now {now:7.1f} s ({now / rows * 1000:5.2f} ms a row)"
        if rows <= args.baseline_max:
            before = timed_import(rows, baseline=True)
            line += f", baseline {before:7.1f} s ({before / rows * 1000:5.2f} ms a row), {before / now:.1f}x faster"
        print(line, flush=True)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
