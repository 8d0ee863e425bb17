"""Glossary variants that would rewrite a common word in the sources; the dictionary they are
checked against.

Variants are replaced wherever they match. A Latin variant only matches whole words, but a
Chinese one has no word boundary to respect: the variant 智能 of 通用智能 would turn 人工智能 in a
source into 人工通用智能. So a variant with Han characters is refused when a source holds a
common word that contains it (e.g. 人工智能), as a dictionary knows the word: jieba's dictionary
of 349,000 Chinese words (read as a word list only; jieba's segmenter is not used). QA's number
check reads the same dictionary (``dictionary_words``) to tell 二级市场 (a word) from 二级 (two
levels).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from bilingual.document import Document
from bilingual.document.characters import has_chinese
from bilingual.glossary.terms import Glossary, Matcher
from bilingual.util.dictionary import jieba_dictionary


@dataclass(frozen=True)
class DictionaryWord:
    frequency: int  # in jieba's corpus; the rarest entries (3) are often noise
    tag: str  # part of speech: "m" numeral, "q" classifier, "t" time, "n" noun, "b", "d", ...


@cache
def dictionary_words(characters: str) -> dict[str, DictionaryWord]:
    """The dictionary's words holding any of ``characters`` (read once per set of characters,
    when first asked; {} without jieba)."""
    if not characters:
        return {}
    pattern = re.compile(rf"^(\S*[{re.escape(characters)}]\S*) (\d+) (\S+)$", re.MULTILINE)
    return {m[1]: DictionaryWord(int(m[2]), m[3]) for m in pattern.finditer(jieba_dictionary())}


@cache
def words_containing(variant: str) -> tuple[str, ...]:
    """Dictionary words longer than ``variant`` that contain it (one pass over the dictionary,
    once per variant, and only for variants a source actually holds)."""
    pattern = re.compile(rf"^(\S*{re.escape(variant)}\S*) \d+", re.MULTILINE)
    return tuple(m[1] for m in pattern.finditer(jieba_dictionary()) if m[1] != variant)


def _word_around(text: str, start: int, variant: str) -> str | None:
    """A dictionary word of ``text`` that holds the occurrence of ``variant`` at ``start``."""
    for word in words_containing(variant):
        offset = word.find(variant)
        while offset != -1:
            if start >= offset and text.startswith(word, start - offset):
                return word
            offset = word.find(variant, offset + 1)
    return None


class VariantWords:
    """Finds, in source text, common words a Han variant would rewrite."""

    def __init__(self, glossary: Glossary):
        self._terms = {v: t for t in glossary.terms for v in t.variants if has_chinese(v)}
        self._matcher = Matcher(self._terms)

    def __bool__(self) -> bool:
        return bool(self._terms)

    def problems(self, where: str, lines: Iterable[tuple[int, str]]) -> list[str]:
        """``FILE:LINE`` errors for ``lines`` ((1-based line, text)) of the source ``where``.

        Occurrences are found as the variant correction finds them (leftmost-longest)."""
        found = []
        for number, text in lines:
            for start, _end, variant in self._matcher.find(text):
                word = _word_around(text, start, variant)
                if word is not None:
                    term = self._terms[variant]
                    found.append(
                        f"{term.where}: variant '{variant}' of '{term.zh}' would rewrite the word "
                        f"'{word}' in {where}:{number}; remove the variant or lengthen it"
                    )
        return found

    def in_document(self, document: Document) -> list[str]:
        """The problems of a source's text that the variant correction would touch (code and
        HTML blocks are left as they are, so they are not checked)."""
        lines = ((p.index + 1, p.text) for p in document.paragraphs if p.kind.translated)
        return self.problems(document.source_path, lines)
