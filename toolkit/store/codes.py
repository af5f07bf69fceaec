"""Access codes: made at random, shown once, kept only as scrypt hashes, hashed on every core."""

from __future__ import annotations

import hashlib
import hmac
import multiprocessing
import os
import secrets
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud or typed safely


def new_access_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return "-".join(raw[i : i + 4] for i in range(0, 12, 4))


def _normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


# scrypt's cost for an access code. A code is 12 random symbols of 31, about 59.5 bits,
# not a password a person chose: guessing one from a stolen database at a generous million
# guesses a second still takes some 12,000 years on average, so the cost need not be a
# password's n=2**14 (16 MB, 40 ms). n=2**10 is 16 times cheaper (1 MB, about 2.5 ms), so a
# trust's roster hashes in minutes. Stored hashes carry their own n: older ones still check.
# The arithmetic is in docs/performance.md.
CODE_SCRYPT_N = 2**10
# Below this many codes, starting worker processes costs more than it saves.
PARALLEL_FROM = 200


def hash_code(code: str, salt: bytes | None = None, *, n: int = CODE_SCRYPT_N) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(_normalise_code(code).encode(), salt=salt, n=n, r=8, p=1)
    return f"scrypt${n}$8$1${salt.hex()}${digest.hex()}"


def _hash_chunk(codes: list[str]) -> list[str]:
    return [hash_code(code) for code in codes]


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def hash_codes(codes: list[str], progress: Callable[[int, int], None] | None = None) -> list[str]:
    """The hash of each code, in order, spread over the cores; progress(done, total) as it goes."""
    cores = _cores()
    parallel = len(codes) >= PARALLEL_FROM and cores > 1
    size = max(50, min(500, len(codes) // (cores * 8))) if parallel else 100
    chunks = [codes[start : start + size] for start in range(0, len(codes), size)]
    results: list[list[str]] = [[] for _ in chunks]
    done = 0

    def finished(i: int, hashes: list[str]) -> None:
        nonlocal done
        results[i], done = hashes, done + len(hashes)
        if progress:
            progress(done, len(codes))

    if not parallel:
        for i, chunk in enumerate(chunks):
            finished(i, _hash_chunk(chunk))
    else:
        # spawn, not fork: the caller may be a server with threads and open connections.
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=cores, mp_context=context) as pool:
            futures = {pool.submit(_hash_chunk, chunk): i for i, chunk in enumerate(chunks)}
            for future in as_completed(futures):
                finished(futures[future], future.result())
    return [h for chunk in results for h in chunk]


def check_code(code: str, stored: str) -> bool:
    _, n, r, p, salt, digest = stored.split("$")
    candidate = hashlib.scrypt(
        _normalise_code(code).encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p)
    )
    return hmac.compare_digest(candidate.hex(), digest)


# Checked against when an email is unknown, so a sign-in takes as long either way.
DUMMY_HASH = hash_code("not-a-real-code")
