"""Reading YAML quickly with libyaml, and strictly: the same data and the same messages."""

from __future__ import annotations

import pytest
import yaml

from toolkit.content import ContentError, shipped_files, strict_yaml
from toolkit.content.strict_yaml import read_yaml
from toolkit.settings import content_root

pytestmark = pytest.mark.skipif(
    len(strict_yaml.LOADERS) < 2, reason="PyYAML was built without libyaml"
)


def test_libyaml_and_python_read_every_shipped_file_alike():
    """Does the fast reader give exactly the data the pure-Python strict reader gives?"""
    fast, strict = strict_yaml.LOADERS
    for path in shipped_files(content_root()):
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=fast) == yaml.load(text, Loader=strict), path  # noqa: S506


@pytest.mark.parametrize(
    "text, problem",
    [
        ("a: 1\na: 2\n", "duplicate key 'a'"),
        ("a: &x 1\nb: *x\n", "anchors and aliases"),
        ("a: " + "[" * 50 + "]" * 50 + "\n", "nested more than 40 levels deep"),
        ("a: [1, 2\n", "not valid YAML"),
        ("a:\tb\n", "not valid YAML"),
    ],
)
def test_the_fast_reader_keeps_every_rule_and_message(text, problem):
    """Are duplicate keys, anchors, deep nesting, broken brackets and tabs still refused,
    with the line and the message a content author would have had before?"""
    with pytest.raises(ContentError) as caught:
        read_yaml(text, "x.yaml")
    (found,) = caught.value.problems
    assert problem in found.message and found.path.startswith("line ")
