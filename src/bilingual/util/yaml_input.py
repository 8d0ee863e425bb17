"""YAML from users (the glossary, Markdown front matter), read without anchors and aliases.

An alias (``*name``) repeats a node an anchor (``&name``) marked, without repeating its text: a
few hundred bytes of aliases of aliases stand for gigabytes once the values are built, printed
or checked entry by entry. Glossaries and front matter never need them, so the first anchor or
alias is refused with its line, before anything is built from the YAML.
"""

from __future__ import annotations

from typing import Any

import yaml

# libyaml when present: the scan is as fast as the parse that follows it
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def alias_problem(text: str, loader: Any = None) -> tuple[int, str] | None:
    """(0-based line, message) of the first anchor or alias in ``text``, or None. Syntax errors
    are left to the parse that follows (its messages name them)."""
    try:
        for event in yaml.parse(text, Loader=loader or _LOADER):
            line = event.start_mark.line if event.start_mark is not None else 0
            if isinstance(event, yaml.AliasEvent):
                return (
                    line,
                    f"YAML alias *{event.anchor} refused (it repeats another entry without "
                    "writing it out); write the value out",
                )
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                return (
                    line,
                    f"YAML anchor &{anchor} refused (anchors and aliases repeat entries without "
                    "writing them out); remove it and write the values out",
                )
    except yaml.YAMLError:
        return None
    return None
