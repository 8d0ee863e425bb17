"""Name -> implementation tables, imported only when used (after translate-toolkit's storage
factory and sacrebleu's metric registry).

A format or engine is one module plus one line in its table: ``"module:attribute"`` strings
keep ``bilingual --help`` instant, because nothing is imported until it is asked for.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One registered implementation: where it lives, and what it declares about itself."""

    name: str
    target: str  # "package.module:attribute"
    info: T

    def load(self) -> Any:
        module, _, attribute = self.target.partition(":")
        return getattr(importlib.import_module(module), attribute)


class Registry(Mapping[str, Entry[T]]):
    """An ordered, read-only table of lazily imported implementations."""

    def __init__(self, kind: str, entries: list[Entry[T]]):
        self.kind = kind
        self._entries = {e.name: e for e in entries}

    def __getitem__(self, name: str) -> Entry[T]:
        return self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def names(self) -> list[str]:
        return list(self._entries)
