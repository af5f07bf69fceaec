"""How near in meaning each of a new school's clauses is to what the catalogue knows of each
teaching point, by a small word-embedding model: words spelt differently that mean the same
("raise it with the head", "concerns must be reported to the Headteacher") meet, which BM25's
shared words cannot see.

The model is WordLlama's 256-dimension one (MIT licence): a vector for each of 32,000 word
pieces, and a text's vector is the mean of its pieces'. Its weights and tokenizer are files
inside the installed `wordllama` package, read here directly: nothing is downloaded, so the
import works on a school's server with no internet.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

PACKAGE = "wordllama"
WEIGHTS = Path("weights") / "l2_supercat_256.safetensors"
TOKENIZER = Path("tokenizers") / "l2_supercat_tokenizer_config.json"


class NoModel(RuntimeError):
    """The model's files are not where the installed package keeps them."""


@lru_cache(maxsize=1)
def model():
    """(tokenizer, vectors): loaded once per process, about 16 MB."""
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer

    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise NoModel(f"the {PACKAGE} package is not installed: run `make run` again")
    root = Path(next(iter(spec.submodule_search_locations)))
    if not (root / WEIGHTS).is_file() or not (root / TOKENIZER).is_file():
        raise NoModel(f"the {PACKAGE} package has no model files: reinstall it")
    tokenizer = Tokenizer.from_file(str(root / TOKENIZER))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return tokenizer, load_file(str(root / WEIGHTS))["embedding.weight"]


# Each text's vector is kept once worked out (1 KB each): the setup page ranks every teaching
# point again after each confirmation, and the texts hardly change between two rankings. The
# shipped catalogue and a policy come to about 4,000 texts; past this many, the store starts
# again rather than grow.
KEPT = 20_000
_kept: dict[str, np.ndarray] = {}


def embed(texts: Sequence[str]) -> np.ndarray:
    """Each text as a unit vector (a row), the mean of its word pieces'; a text with no words
    is a row of zeros."""
    tokenizer, vectors = model()
    if not texts:
        return np.zeros((0, vectors.shape[1]), dtype=np.float32)
    new = [text for text in dict.fromkeys(texts) if text not in _kept]
    if len(_kept) + len(new) > KEPT:
        _kept.clear()
        new = list(dict.fromkeys(texts))
    encoded = tokenizer.encode_batch(new, add_special_tokens=False)
    for text, encoding in zip(new, encoded, strict=True):
        row = np.zeros(vectors.shape[1], dtype=np.float32)
        if encoding.ids:
            mean = vectors[encoding.ids].astype(np.float32).mean(axis=0)
            row = mean / max(float(np.linalg.norm(mean)), 1e-9)
        _kept[text] = row
    return np.stack([_kept[text] for text in texts])


def nearness(queries: Sequence[Sequence[str]], clauses: Sequence[str]) -> np.ndarray:
    """near[query, clause]: for each query (the texts known of a teaching point), the mean over
    its texts of how near each clause is to it in meaning (cosine similarity)."""
    texts = sorted({text for query in queries for text in query if text.strip()})
    at = {text: i for i, text in enumerate(texts)}
    text_vectors, clause_vectors = embed(texts), embed(clauses)
    near = np.zeros((len(queries), len(clauses)))
    for row, query in enumerate(queries):
        mine = [at[text] for text in query if text in at]
        if mine:
            near[row] = (text_vectors[mine] @ clause_vectors.T).mean(axis=0)
    return near
