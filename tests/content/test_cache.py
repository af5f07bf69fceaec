"""The content cache: validated once, loaded by every page's kernel, never stale."""

from __future__ import annotations

import pkgutil
import shutil
from pathlib import Path

import pytest

import toolkit.content
from toolkit.content import ContentError
from toolkit.content.cache import cached_catalogue, code_files
from toolkit.settings import PROJECT_ROOT

SCENARIO = "friend-request-from-pupil"
SCHOOL = "barley-lane-primary"


@pytest.fixture
def content(tmp_path):
    """A copy of the shipped content that a test may change."""
    for folder in ("policies", "scenarios"):
        shutil.copytree(PROJECT_ROOT / folder, tmp_path / "content" / folder)
    return tmp_path / "content"


def test_a_cached_catalogue_is_the_validated_one_with_its_scenarios_rendered(content, tmp_path):
    """Does the second load come from the cache, equal to the first, with every school's
    scenarios already rendered (so a sign-in renders nothing)?"""
    cache = tmp_path / "cache"
    first = cached_catalogue(content, cache)
    (written,) = cache.glob("catalogue-*.pickle")
    second = cached_catalogue(content, cache)
    assert second is not first
    assert second.scenarios == first.scenarios and second.profiles == first.profiles
    assert len(second.rendered) == len(first.profiles) * len(first.scenarios)
    assert second.scenario_for(SCENARIO, SCHOOL) == first.scenarios[SCENARIO].for_school(
        first.profiles[SCHOOL]
    )
    assert list(cache.glob("catalogue-*.pickle")) == [written]


def test_a_changed_content_file_is_never_served_from_an_older_cache(content, tmp_path):
    """After a scenario's text changes, is the new text loaded and the old cache dropped?"""
    cache = tmp_path / "cache"
    cached_catalogue(content, cache)
    (old,) = cache.glob("catalogue-*.pickle")
    path = content / "scenarios" / "staff" / f"{SCENARIO}.yaml"
    text = path.read_text(encoding="utf-8")
    title = cached_catalogue(content, cache).scenarios[SCENARIO].title
    path.write_text(text.replace(title, "A changed title", 1), encoding="utf-8")
    assert cached_catalogue(content, cache).scenarios[SCENARIO].title == "A changed title"
    assert not old.exists()


def test_a_damaged_cache_is_validated_again_and_replaced(content, tmp_path):
    cache = tmp_path / "cache"
    cached_catalogue(content, cache)
    (path,) = cache.glob("catalogue-*.pickle")
    path.write_bytes(b"not a pickle")
    assert SCENARIO in cached_catalogue(content, cache).scenarios
    assert path.read_bytes() != b"not a pickle"


def test_invalid_content_is_reported_and_never_cached(content, tmp_path):
    """Does a broken file raise the usual precise error, leaving no cache behind?"""
    cache = tmp_path / "cache"
    path = content / "scenarios" / "staff" / f"{SCENARIO}.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\nunknown_key: 1\n", encoding="utf-8")
    with pytest.raises(ContentError, match="unknown_key"):
        cached_catalogue(content, cache)
    assert not list(cache.glob("catalogue-*.pickle"))


def test_the_cache_name_covers_every_module_of_the_content_package():
    """Does a change to any module that reads content (not only the old single file) give a new
    cache name?"""
    modules = {
        Path(m.module_finder.path) / f"{m.name.rsplit('.', 1)[-1]}.py"
        for m in pkgutil.walk_packages(toolkit.content.__path__, "toolkit.content.")
        if not m.ispkg
    }
    assert len(modules) > 5
    assert modules | {Path(toolkit.content.__file__)} == set(code_files())
