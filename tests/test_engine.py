"""The scenario engine: a pure state machine, driven here without any widgets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from toolkit.content import load_catalogue
from toolkit.engine import EngineError, ScenarioRun
from toolkit.settings import PROJECT_ROOT

GOOD = sorted((Path(__file__).parent / "content" / "good").glob("*.yaml"))


@pytest.fixture(scope="module")
def scenario():
    catalogue = load_catalogue(PROJECT_ROOT, extra=GOOD)
    return catalogue.scenarios["test-two-decisions"].for_school(
        catalogue.profiles["barley-lane-primary"]
    )


def test_a_run_starts_at_the_start_step(scenario):
    """Does a new run wait for a choice at the start step?"""
    run = ScenarioRun(scenario)
    assert (run.step_id, run.phase, run.path) == ("ask", "choosing", [])


def test_choose_gives_feedback_then_proceed_follows_next(scenario):
    """Does a poor choice lead to its consequence step, and a good one back onto the main path?"""
    run = ScenarioRun(scenario)
    taken = run.choose(0)
    assert taken.choice.outcome == "unsafe"
    assert run.phase == "feedback" and run.step_id == "ask"
    run.proceed()
    assert run.step_id == "oops" and run.phase == "choosing"
    run.choose(0)
    run.proceed()
    assert run.step_id == "monday"


def test_the_end_step_ends_the_run_with_a_score(scenario):
    """Does reaching a step without choices end the run, keep the path and score it?"""
    run = ScenarioRun(scenario)
    for index in (2, 0):
        run.choose(index)
        run.proceed()
    assert run.ended
    assert run.closing_text == "Well done."
    assert [(t.step_id, t.choice.outcome) for t in run.path] == [
        ("ask", "risky"),
        ("monday", "safe"),
    ]
    assert run.score == 75


def test_a_choice_without_next_ends_the_run(scenario):
    """Does a choice with no next end the scenario after its feedback?"""
    run = ScenarioRun(scenario)
    run.choose(1)
    run.proceed()
    run.choose(1)
    assert run.phase == "feedback"
    run.proceed()
    assert run.ended and run.closing_text is None
    assert run.score == 75


@pytest.mark.parametrize("outcomes,score", [((0, 0, 1), 50), ((0, 0, 0), 67), ((1, 0), 100)])
def test_score_counts_safe_fully_and_risky_half(scenario, outcomes, score):
    """Is the score the share of safe choices, with risky ones counting half?"""
    run = ScenarioRun(scenario)
    for index in outcomes:
        if run.ended:
            break
        run.choose(index)
        run.proceed()
    assert run.score == score


def test_actions_out_of_turn_are_refused(scenario):
    """Are a second choice before proceeding, a missing choice and proceeding too early refused?"""
    run = ScenarioRun(scenario)
    with pytest.raises(EngineError):
        run.proceed()
    with pytest.raises(EngineError):
        run.choose(7)
    with pytest.raises(EngineError):
        run.choose(True)
    run.choose(0)
    with pytest.raises(EngineError):
        run.choose(1)


def test_replay_rebuilds_a_run_from_saved_choices(scenario):
    """Does replaying recorded choices put the learner back where they were?"""
    run = ScenarioRun.replay(scenario, [("ask", 0), ("oops", 0)])
    assert run.phase == "feedback" and run.step_id == "oops"
    assert [t.choice_index for t in run.path] == [0, 0]
    with pytest.raises(EngineError):
        ScenarioRun.replay(scenario, [("ask", 0), ("monday", 0)])


def test_a_choice_is_checked_before_it_is_made(scenario):
    """Does the engine say which choice may be made now, and refuse one out of turn untouched?"""
    run = ScenarioRun(scenario)
    assert run.choice_for(2).outcome == "risky"
    assert (run.phase, run.path) == ("choosing", [])  # asking changes nothing
    run.choose(2)
    with pytest.raises(EngineError, match="while the scenario is feedback"):
        run.choice_for(2)  # the second click of a double-click
    run.proceed()
    with pytest.raises(EngineError, match="has no choice 2"):
        run.choice_for(2)


def test_salvage_keeps_the_moves_on_the_path_and_skips_the_rest(scenario):
    """Given two choices saved at one step (a double-click), does salvage replay the path and
    name the moves it skipped, where strict replay refuses?"""
    moves = [("ask", 0), ("ask", 0), ("ask", 2), ("oops", 0), ("monday", 9), ("monday", 1)]
    with pytest.raises(EngineError):
        ScenarioRun.replay(scenario, moves)
    run, skipped = ScenarioRun.salvage(scenario, moves)
    assert skipped == [1, 2, 4]
    assert [(t.step_id, t.choice_index) for t in run.path] == [
        ("ask", 0),
        ("oops", 0),
        ("monday", 1),
    ]
    assert run.phase == "feedback"


def test_salvage_stops_at_feedback_when_the_last_move_is_skipped(scenario):
    """When the stray move is the last, is the learner left at the feedback they were reading?"""
    run, skipped = ScenarioRun.salvage(scenario, [("ask", 1), ("ask", 1)])
    assert skipped == [1]
    assert (run.step_id, run.phase, len(run.path)) == ("ask", "feedback", 1)
    assert ScenarioRun.salvage(scenario, [("ask", 1), ("monday", 0)])[1] == []


def test_engine_never_imports_ipywidgets():
    """Does importing and using the engine leave ipywidgets unloaded?"""
    code = "import sys, toolkit.engine; assert 'ipywidgets' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=PROJECT_ROOT)
