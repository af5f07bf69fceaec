"""The quiz engine: fresh draws, shuffled options, answers checked against each question."""

from __future__ import annotations

import random

import pytest

from toolkit.engine import EngineError, QuizRun, reflection_too_short, reflection_words


@pytest.fixture(scope="module")
def bank(catalogue):
    return catalogue.quizzes["contact"].for_school(catalogue.profiles["barley-lane-primary"])


def test_a_draw_takes_five_questions_and_shuffles_options(bank):
    """Does each attempt draw `draw` distinct questions, with every option present in some order?"""
    run = QuizRun.draw(bank, random.Random(3))
    assert len(run.drawn) == bank.draw == 5
    assert len({d.question.id for d in run.drawn}) == 5
    for drawn in run.drawn:
        assert sorted(drawn.option_order) == sorted(o.id for o in drawn.question.options)


def test_draws_differ_between_attempts(bank):
    """Do different attempts see different questions or orders?"""
    draws = {tuple(map(str, QuizRun.draw(bank, random.Random(seed)).spec())) for seed in range(20)}
    assert len(draws) > 15
    orders = {QuizRun.draw(bank, random.Random(seed)).drawn[0].option_order for seed in range(20)}
    assert len(orders) > 1


def test_a_saved_draw_comes_back_the_same(bank):
    """Does a draw saved as data rebuild the same questions in the same order?"""
    run = QuizRun.draw(bank, random.Random(1))
    again = QuizRun.from_spec(bank, run.spec())
    assert again.spec() == run.spec()
    with pytest.raises(EngineError):
        QuizRun.from_spec(bank, [{"id": "no-such-question", "options": ["a"]}])
    with pytest.raises(EngineError):
        QuizRun.from_spec(bank, [{"id": run.drawn[0].question.id, "options": ["z"]}])


@pytest.mark.parametrize(
    "answer",
    [["z"], ["a'); import os; os.system('touch /tmp/pwned') #"], "a", [1], None],
)
def test_answers_outside_the_options_are_refused(bank, answer):
    """Is anything but the question's own option ids refused?"""
    run = QuizRun.draw(bank, random.Random(2))
    with pytest.raises(EngineError):
        run.answer(1, answer)


def test_single_answer_questions_take_one_option(bank):
    """Is a second option refused on a single-answer question, and all slots needed to submit?"""
    run = QuizRun.draw(bank, random.Random(5))
    slot = next(i for i, d in enumerate(run.drawn, 1) if d.question.kind == "single")
    with pytest.raises(EngineError):
        run.answer(slot, list(run.drawn[slot - 1].option_order[:2]))
    with pytest.raises(EngineError):
        run.submission()
    with pytest.raises(EngineError):
        run.answer(0, ["a"])


def test_expected_score_follows_the_key(bank):
    """Does answering by the key score 100 and answering wrongly score lower?"""
    run = QuizRun.draw(bank, random.Random(8))
    for slot, drawn in enumerate(run.drawn, 1):
        run.answer(slot, drawn.question.correct_ids())
    assert run.expected_score() == 100
    wrong = next(o.id for o in run.drawn[0].question.options if not o.correct)
    run.answer(1, [wrong])
    assert run.expected_score() == 80
    assert [qid for qid, _ in run.submission()] == [d.question.id for d in run.drawn]


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("", 0),
        (None, 0),
        ("  \n\t ", 0),
        ("... !!!", 0),
        ("Fine.", 1),
        ("don't", 1),
        ("follow-up", 1),
        ("I'd tell the DSL.", 4),
        ("Réfléchir d'abord", 2),
    ],
)
def test_words_in_a_reflection_are_counted_as_a_reader_would(written, words):
    """Are spaces and punctuation no words, and "don't" or "follow-up" one word each?"""
    assert reflection_words(written) == words
    assert reflection_too_short(written) is (words < 2)
