"""Nearness in meaning: a clause that says the same in other words is found, the model is read
from the installed package with no network, and a missing model says what to do."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from toolkit.content import citation_meaning
from toolkit.content.citation_meaning import NoModel, embed, nearness
from toolkit.content.citation_ranking import tokens

QUERY = "Tell the head straight away about the worrying message."
SAME_MEANING = "All concerns must be reported to the Headteacher immediately."
OTHER = "Staff should use the privacy settings available on their accounts."


def test_the_same_rule_in_other_words_is_nearer_than_an_unrelated_one():
    """Does a rule sharing no word with the query come before one about something else?"""
    assert not set(tokens(QUERY)) & set(tokens(SAME_MEANING))  # BM25 could not find it
    near = nearness([[QUERY]], [OTHER, SAME_MEANING])
    assert near[0, 1] > near[0, 0] + 0.1


def test_a_query_of_several_texts_takes_their_mean():
    """Is a point's nearness the mean over its texts, and a point with no texts zero?"""
    clauses = [SAME_MEANING, OTHER]
    both = nearness([[QUERY, OTHER], [], ["  "]], clauses)
    each = nearness([[QUERY], [OTHER]], clauses)
    assert np.allclose(both[0], each.mean(axis=0))
    assert not both[1].any() and not both[2].any()


def test_vectors_are_unit_length_and_an_empty_text_is_zero():
    """Is every text with words a unit vector, so that a dot product is a cosine?"""
    vectors = embed([QUERY, "", SAME_MEANING])
    assert np.allclose(np.linalg.norm(vectors[[0, 2]], axis=1), 1.0, atol=1e-5)
    assert not vectors[1].any()
    assert embed([]).shape == (0, vectors.shape[1])


def test_the_model_is_read_with_no_network(monkeypatch):
    """Is the model loaded from the installed package's files, never downloaded?"""

    def refuse(*args, **kwargs):
        raise AssertionError("the model tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    citation_meaning.model.cache_clear()
    try:
        assert embed([QUERY]).shape == (1, 256)
    finally:
        citation_meaning.model.cache_clear()


def test_a_missing_model_says_what_to_do(monkeypatch):
    """Without the package's files, is there one line saying how to mend it?"""
    monkeypatch.setattr(citation_meaning, "PACKAGE", "no-such-package-here")
    citation_meaning.model.cache_clear()
    try:
        with pytest.raises(NoModel, match="make run"):
            embed([QUERY])
    finally:
        citation_meaning.model.cache_clear()


def test_the_pages_learners_use_never_load_the_ranking_or_its_model():
    """Do the staff, classroom and DSL pages stay free of the ranking, so the word vectors'
    memory is spent only where a policy is imported or its setup page is open?"""
    code = (
        "import sys, toolkit.apps.staff, toolkit.apps.classroom, toolkit.apps.dsl\n"
        "loaded = {'tokenizers', 'safetensors', 'rank_bm25', 'toolkit.content.citation_ranking'}"
        " & set(sys.modules)\n"
        "assert not loaded, loaded"
    )
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", code], check=True, cwd=root)


def test_vectors_worked_out_are_kept_but_not_without_limit(monkeypatch):
    """Does a text embedded again give the same vector, and does the store of vectors start
    again rather than grow past its limit?"""
    monkeypatch.setattr(citation_meaning, "_kept", {})
    monkeypatch.setattr(citation_meaning, "KEPT", 3)
    first = embed([QUERY, OTHER])
    assert np.array_equal(embed([OTHER, QUERY]), first[::-1])
    embed([SAME_MEANING, "one more text", "and another"])
    assert len(citation_meaning._kept) <= 3
    assert np.allclose(embed([QUERY]), first[:1])
