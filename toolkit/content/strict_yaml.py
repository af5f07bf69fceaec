"""Reading YAML strictly: no duplicate keys, anchors or deep nesting, and the line of every fault."""

from __future__ import annotations

from typing import Any

import yaml

from toolkit.content.base import ContentError, Problem

# Content nests a few levels deep; a cap keeps a hostile file from exhausting the stack.
MAX_DEPTH = 40


class _YamlProblem(yaml.MarkedYAMLError):
    """A problem found while reading YAML, with the line it is on and what to do."""

    def __init__(self, problem: str, mark: yaml.Mark | None, hint: str):
        super().__init__(problem=problem, problem_mark=mark)
        self.hint = hint


class _Strict:
    """Refuses what content never needs and a hostile file can abuse.

    Duplicate keys (YAML would keep the last one silently), keys that are not plain
    text, anchors and aliases (an alias bomb expands to billions of strings) and
    nesting deeper than MAX_DEPTH (Python's stack ends first).
    """

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _YamlProblem(
                "anchors and aliases (&name, *name) are not read in content files",
                event.start_mark,
                "write the text out in full where it is needed",
            )
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_DEPTH:
                raise _YamlProblem(
                    f"nested more than {MAX_DEPTH} levels deep",
                    event.start_mark,
                    "content needs only a few levels: check the brackets and indentation",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as err:  # e.g. a date such as 2026-13-45
            problem = f"cannot read {node.value!r}: {err}"
            raise _YamlProblem(problem, node.start_mark, "put the value in quotes") from None


def _construct_mapping(loader: _Strict, node: yaml.MappingNode, deep: bool = False):
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if not isinstance(key_node, yaml.ScalarNode):
            raise _YamlProblem(
                f"a key here is a {'list' if isinstance(key_node, yaml.SequenceNode) else 'mapping'}, not text",
                key_node.start_mark,
                "keys are plain words; quote text that starts with '{', '[' or '?'",
            )
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise _YamlProblem(
                f"duplicate key {key!r} (first at line {seen[key] + 1})",
                key_node.start_mark,
                "a key may appear only once here: rename or remove one",
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


class _StrictLoader(_Strict, yaml.SafeLoader):
    """The strict reader in pure Python: its messages are the ones content authors see."""


try:  # libyaml scans and parses about five times faster; the nodes are still composed here
    from yaml._yaml import CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    CParser = None

if CParser is not None:
    _composer = yaml.composer.Composer

    class _LibyamlComposer(CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """libyaml's events composed into nodes by PyYAML's composer, in Python."""

        def __init__(self, stream: str) -> None:
            CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self.anchors: dict = {}

        get_single_node = _composer.get_single_node
        compose_document = _composer.compose_document
        compose_node = _composer.compose_node
        compose_scalar_node = _composer.compose_scalar_node
        compose_sequence_node = _composer.compose_sequence_node
        compose_mapping_node = _composer.compose_mapping_node

    class _FastLoader(_Strict, _LibyamlComposer):
        """The same rules, with the depth cap kept in Python's composer."""

    LOADERS: tuple[type, ...] = (_FastLoader, _StrictLoader)
else:  # pragma: no cover
    LOADERS = (_StrictLoader,)

for _loader in LOADERS:
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def read_yaml(text: str, file: str) -> Any:
    """The data of one YAML text; ContentError with the line for anything malformed."""
    # libyaml allows a tab where PyYAML refuses one: such a file gets PyYAML's rules and message.
    if len(LOADERS) > 1 and "\t" not in text:
        try:
            return yaml.load(text, Loader=LOADERS[0])  # noqa: S506 - safe constructors only
        except (yaml.YAMLError, ValueError, TypeError):
            pass  # read again below, for the message a person is shown
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        hint = getattr(err, "hint", _TAB_HINT if "'\\t'" in str(err.problem) else _YAML_HINT)
        problem = f"not valid YAML: {err.problem or err}"
        raise ContentError([Problem(file, where, problem, hint)]) from None
    except yaml.reader.ReaderError as err:  # a control character, e.g. in a binary file
        line = text.count("\n", 0, err.position) + 1
        column = err.position - text.rfind("\n", 0, err.position)
        where = f"line {line}, column {column}"
        problem = f"not text: character #x{err.character:04x} is not allowed"
        hint = "save the content as plain UTF-8 text"
        raise ContentError([Problem(file, where, problem, hint)]) from None


_YAML_HINT = "check the indentation and quote text that contains ': ' or starts with a symbol"
_TAB_HINT = "indent with spaces: YAML does not allow tabs there"
