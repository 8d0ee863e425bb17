"""Glossary variants that would rewrite a common word in the sources.

Variants are replaced wherever they match. A Latin variant only matches whole words, but a
Chinese one has no word boundary to respect: the variant 智能 of 通用智能 would turn 人工智能 in a
source into 人工通用智能. So a variant with Han characters is refused when a source holds a
common word that contains it (e.g. 人工智能), as a dictionary knows the word: jieba's dictionary
of 349,000 Chinese words (read as a word list only; jieba's segmenter is not used).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from bilingual.glossary import Glossary, Term

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@cache
def _dictionary() -> str:
    """jieba's dict.txt ("word frequency tag" a line), found without importing jieba."""
    spec = find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        return ""
    path = Path(next(iter(spec.submodule_search_locations))) / "dict.txt"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""


def words_containing(variant: str) -> list[str]:
    """Dictionary words longer than ``variant`` that contain it."""
    pattern = re.compile(rf"^(\S*{re.escape(variant)}\S*) \d+", re.MULTILINE)
    return [m[1] for m in pattern.finditer(_dictionary()) if m[1] != variant]


class VariantWords:
    """Finds, in source text, common words a Han variant would rewrite."""

    def __init__(self, glossary: Glossary):
        self._words: dict[str, tuple[Term, list[str]]] = {}
        for term in glossary.terms:
            for variant in term.variants:
                if _HAN.search(variant):
                    self._words[variant] = (term, words_containing(variant))

    def __bool__(self) -> bool:
        return bool(self._words)

    def problems(self, where: str, lines: Iterable[tuple[int, str]]) -> list[str]:
        """``FILE:LINE`` errors for ``lines`` ((1-based line, text)) of the source ``where``."""
        found = []
        for number, text in lines:
            for variant, (term, words) in self._words.items():
                if variant not in text:
                    continue
                word = next((w for w in words if w in text), None)
                if word is not None:
                    found.append(
                        f"{term.where}: variant '{variant}' of '{term.zh}' would rewrite the word "
                        f"'{word}' in {where}:{number}; remove the variant or lengthen it"
                    )
        return found
