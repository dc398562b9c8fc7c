"""Command references: a backticked span such as ```/sprint goal <text>``` names a command.

Texts in the core and in ``content/`` name commands only through references, checked
against the specs (``cohortbot content validate`` refuses an unknown one). Slack and the
console show a reference as written; a platform with typed UIs renders it from the spec
with :func:`typed_values` (``/sprint goal <text>`` -> ``sprint`` with ``goal:<text>``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from bot.commands.reading import command_name
from bot.commands.registry import SPEC_BY_PATH
from bot.commands.spec import COMMAND_NAMES, Option, Spec

REFERENCE = re.compile(r"(?<!`)`(/[a-z][^`\n]*)`(?!`)")  # not ``/x`` (docstrings)
_PLACEHOLDER = re.compile(r"[<\[{]")
# A last value that offers another: ``22:00-07:00 (or off)``.
_ALTERNATIVE = re.compile(r"(?P<value>.*\S)\s+\(or (?P<other>[^()\s]+)\)")


class UnknownReference(ValueError):
    """A reference that names no command, or words the command does not take."""


@dataclass(frozen=True)
class TypedValue:
    """One typed option in a rendered reference; ``optional`` shows it in brackets, and
    ``alternative`` is another value offered for it (``value:22:00-07:00 (or value:off)``)."""

    name: str
    value: str | bool
    optional: bool = False
    alternative: str | None = None


@dataclass(frozen=True)
class Reference:
    """A resolved reference: the spec it names and the typed options it fills."""

    spec: Spec
    values: tuple[TypedValue, ...]


def references(text: str) -> list[str]:
    """The spans of every reference in ``text``, without their backticks."""
    return REFERENCE.findall(text)


def resolve_reference(span: str) -> Reference:
    """``/plan set 1 <goal>`` -> the ``plan set`` spec with ``week:1 goal:<text>``."""
    words = [(m.group(0), m.start()) for m in re.finditer(r"\S+", span)]
    name = command_name(words[0][0])
    if name not in COMMAND_NAMES:
        raise UnknownReference(f"`{span}` names no command (known: {', '.join(COMMAND_NAMES)})")
    path, at = name, 1
    while at < len(words) and f"{path} {words[at][0].lower()}" in SPEC_BY_PATH:
        path, at = f"{path} {words[at][0].lower()}", at + 1
    spec = SPEC_BY_PATH[path]
    return Reference(spec, _fill(spec, span, words[at:]))


def check(text: str) -> list[str]:
    """A problem for each reference in ``text`` that does not resolve."""
    problems = []
    for span in references(text):
        try:
            resolve_reference(span)
        except UnknownReference as exc:
            problems.append(str(exc))
    return problems


def render_references(text: str, show: Callable[[Reference], str]) -> str:
    """``text`` with each reference that resolves shown by ``show``; others unchanged."""

    def one(match: re.Match[str]) -> str:
        try:
            return f"`{show(resolve_reference(match.group(1)))}`"
        except UnknownReference:
            return match.group(0)

    return REFERENCE.sub(one, text)


def _fill(spec: Spec, span: str, words: list[tuple[str, int]]) -> tuple[TypedValue, ...]:
    values: list[TypedValue] = []
    positional = [o for o in spec.options if not (o.flag or o.keyword)]
    by_name = {o.name: o for o in spec.options if o.flag or o.keyword}
    at = 0
    while at < len(words):
        word = words[at][0]
        named = by_name.get(word.lower())
        if named is not None and named.flag:
            values.append(TypedValue(named.name, True))
            at += 1
            continue
        if named is not None and at + 1 < len(words):
            values.append(TypedValue(named.name, words[at + 1][0]))
            at += 2
            continue
        while positional and not _fits(positional[0], word):
            positional.pop(0)
        if not positional:
            raise UnknownReference(f"`{span}`: /{spec.path} takes no {word!r}")
        option = positional.pop(0)
        value = span[words[at][1] :].strip() if option.rest else word
        at = len(words) if option.rest else at + 1
        if at < len(words) and words[at][0].lower() in option.units:
            at += 1
        values.append(_value(option, value))
    given = {v.name for v in values}
    if spec.typed_name:  # another command's options: show what this one needs
        values += [
            TypedValue(o.name, o.shown) for o in spec.options if o.required and o.name not in given
        ]
    values += [TypedValue(name, flag) for name, flag in spec.flags]
    return tuple(values)


def _fits(option: Option, word: str) -> bool:
    return option.pattern is None or bool(
        _PLACEHOLDER.match(word) or re.fullmatch(option.pattern, word)
    )


def _value(option: Option, value: str) -> TypedValue:
    offered = _ALTERNATIVE.fullmatch(value) if option.rest else None
    if offered is not None:
        return replace(_value(option, offered["value"]), alternative=offered["other"])
    optional = value.startswith("[") and value.endswith("]")
    inner = value[1:-1] if optional else value
    if inner in (f"<{option.name}>", option.name) and (optional or inner.startswith("<")):
        inner = option.shown
    elif optional:
        inner = f"<{inner}>"
    return TypedValue(option.name, inner, optional)
