"""The roster in the store: signing in with the issued code, codes kept hashed, batches all or nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from toolkit.store import DuplicateLearner, NewLearner, SignInFailed, hash_code


def test_sign_in_with_the_issued_code(store, learner_and_code):
    """Does the printed code sign the person in, however they type its case and hyphens?"""
    learner, code = learner_and_code
    assert store.sign_in("Jo.Bloggs@School.example ", code).id == learner.id
    assert store.sign_in(learner.email, code.lower().replace("-", " ")).id == learner.id


@pytest.mark.parametrize(
    "email,code", [("jo.bloggs@school.example", "AAAA-BBBB-CCCC"), ("nobody@school.example", None)]
)
def test_sign_in_refuses_a_wrong_code_or_unknown_email_alike(store, learner_and_code, email, code):
    """Do a wrong code and an unknown email give the same refusal?"""
    with pytest.raises(SignInFailed):
        store.sign_in(email, code or learner_and_code[1])


def test_access_codes_are_stored_hashed(store, learner_and_code):
    """Is the code absent from the database file, kept only as a salted hash?"""
    _, code = learner_and_code
    with store.engine.connect() as conn:
        stored = conn.execute(text("SELECT code_hash FROM learners")).scalar()
    assert code not in stored and code.replace("-", "") not in stored
    assert stored.startswith("scrypt$") and stored != hash_code(code)


def test_adding_someone_already_on_the_roster_adds_no_one(store, learner_and_code):
    """Is a batch with one existing email refused whole?"""
    batch = [
        NewLearner("New Person", "new@school.example", "support", date(2026, 9, 1)),
        NewLearner("Jo Again", "jo.bloggs@school.example", "teacher", date(2026, 9, 1)),
    ]
    with pytest.raises(DuplicateLearner) as caught:
        store.add_learners(batch)
    assert caught.value.emails == ["jo.bloggs@school.example"]
    assert store.learner_count() == 1
