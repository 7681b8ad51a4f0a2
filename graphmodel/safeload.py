"""JSON and YAML from untrusted hands, read strictly and within bounds.

One reader for every door: request bodies, policy files and import documents. Besides the syntax,
it refuses what would make a later step fail or mislead: duplicate keys (which one would count?),
NaN and infinite numbers, numbers too long to be real, text holding unpaired surrogates (it cannot
be written back out as UTF-8), nesting deeper than any real document needs, and YAML aliases that
stand for a list or a mapping (the "billion laughs": a few lines that expand to gigabytes).
"""
from __future__ import annotations

import json
import math
from collections.abc import Hashable
from typing import Any

import yaml
from yaml.nodes import MappingNode, SequenceNode

from .errors import AssuranceMapError

MAX_DEPTH = 20  # lists and mappings inside each other; an import document needs four
MAX_DIGITS = 50  # digits in a whole number


class ParseError(AssuranceMapError):
    """The text is not acceptable JSON or YAML; `line` says where, when known."""

    def __init__(self, message: str, line: int | None = None):
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


def _refuse(what: str) -> Any:
    raise ValueError(what)


def _finite(text: str) -> float:
    value = float(text)
    return value if math.isfinite(value) else _refuse(f"the number {text[:40]} is too large")


def _whole(text: str) -> int:
    return int(text) if len(text.lstrip("-")) <= MAX_DIGITS else _refuse(
        f"a whole number of {len(text):,} digits is too long")


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"the key {k[:80]!r} is given twice")
        out[k] = v
    return out


def check(doc: Any) -> Any:
    """Walk a parsed document (without recursion) and refuse deep nesting, unpaired surrogates
    and numbers that are not finite; returns it unchanged."""
    stack: list[tuple[Any, int]] = [(doc, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if any("\ud800" <= ch <= "\udfff" for ch in value):
                raise ParseError(f"the text {value[:40]!r} holds half of a character that cannot stand alone")
        elif isinstance(value, float):
            if not math.isfinite(value):
                raise ParseError("numbers must be finite: NaN and infinity are not accepted")
        elif isinstance(value, int) and not isinstance(value, bool):
            if abs(value) >= 10 ** MAX_DIGITS:
                raise ParseError(f"a whole number of more than {MAX_DIGITS} digits is too long")
        elif isinstance(value, (dict, list)):
            if depth >= MAX_DEPTH:
                raise ParseError(f"nested more than {MAX_DEPTH} levels deep")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for k, v in items:
                stack.append((k, depth + 1))
                stack.append((v, depth + 1))
    return doc


def load_json(data: bytes | str) -> Any:
    """Strict JSON (RFC 8259, UTF-8), or ParseError saying what is wrong and where."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as exc:
        raise ParseError(f"not UTF-8 text (byte {exc.start})") from None
    try:
        doc = json.loads(text, object_pairs_hook=_pairs, parse_constant=_refuse,
                         parse_float=_finite, parse_int=_whole)
    except json.JSONDecodeError as exc:
        raise ParseError(f"not valid JSON: {exc.msg} (column {exc.colno})", exc.lineno) from None
    except RecursionError:
        raise ParseError(f"nested more than {MAX_DEPTH} levels deep") from None
    except ValueError as exc:  # raised by the hooks above
        message = str(exc)
        if message in ("NaN", "Infinity", "-Infinity"):
            message = "numbers must be finite: NaN and infinity are not accepted"
        raise ParseError(message) from None
    return check(doc)


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, bounded: no aliases of collections, limited depth, unique keys."""

    depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            target = self.anchors.get(event.anchor)
            if isinstance(target, (MappingNode, SequenceNode)):
                raise ParseError(f"the alias *{event.anchor} stands for a list or mapping; write it out instead",
                                 event.start_mark.line + 1)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            mark = self.peek_event().start_mark
            raise ParseError(f"nested more than {MAX_DEPTH} levels deep", mark.line + 1)
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, Hashable) and key in seen:
                raise ParseError(f"the key {str(key)[:80]!r} is given twice", key_node.start_mark.line + 1)
            if isinstance(key, Hashable):
                seen.add(key)
        return super().construct_mapping(node, deep)


def load_yaml(text: str) -> Any:
    """Safe, bounded YAML, or ParseError saying what is wrong and where."""
    loader = _Loader(text)
    try:
        return check(loader.get_single_data())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise ParseError(f"not valid YAML: {' '.join(str(problem).split())}",
                         mark.line + 1 if mark is not None else None) from None
    except (ValueError, OverflowError, RecursionError) as exc:  # e.g. an integer of 100,000 digits
        raise ParseError(f"not valid YAML: {' '.join(str(exc).split())[:200]}") from None
    finally:
        loader.dispose()
