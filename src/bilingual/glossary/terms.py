"""Glossary stage: correct variants, find terms, protect them through NMT, verify the English.

Matching is leftmost-longest without overlaps. A term whose edge is a Latin letter or digit
matches only on a word boundary on that side (AI is not in OpenAI or RAID); a CJK character
next to Latin is a boundary (AI领域 holds AI). Matching is case-sensitive: a term base says
exactly which spelling it means, and other spellings are listed as variants.

Protection puts the glossary English inside the Chinese source before translation: Argos zh->en
models copy Latin-script spans through (sources are full of them: OpenAI, GPT-5), and the
sentence around the term keeps its grammar, which placeholders break (they are dropped or
mangled by models never trained on them). After translation the term's spelling is restored
and every hit is verified; a miss is flagged, never silent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, partial

from bilingual.document import Replacement, Segment, TermHit


@dataclass(frozen=True)
class Term:
    zh: str
    en: str
    zh_hant: str | None = None
    variants: tuple[str, ...] = ()
    note: str | None = None
    where: str = ""  # "FILE:LINE" of the entry
    en_admitted: tuple[str, ...] = ()  # other English terms a termbase admits (kept, not used)
    do_not_use: tuple[str, ...] = ()  # English a termbase deprecates or forbids: QA flags it
    part_of_speech: str | None = None
    subject: str | None = None  # subject field
    definitions: tuple[tuple[str, str], ...] = ()  # (zh, en or zh_hant; the definition)


def _is_latin(char: str) -> bool:
    """A letter or digit of an alphabetic script: the characters a word boundary is about."""
    return char.isalnum() and ord(char) < 0x2E80


def bounded(text: str, start: int, end: int) -> bool:
    if _is_latin(text[start]) and start > 0 and _is_latin(text[start - 1]):
        return False
    return not (_is_latin(text[end - 1]) and end < len(text) and _is_latin(text[end]))


class Matcher:
    """Leftmost-longest, non-overlapping matching of many literal keys.

    Hand-written rather than a regex alternation: Python's ``re`` tries alternatives in order
    (not longest first) and costs O(keys) per position; here each position costs one set
    lookup per distinct key length starting with that character, so 10,000 terms are cheap.
    """

    def __init__(self, keys: Iterable[str]):
        self._keys = {k for k in keys if k}
        lengths: dict[str, set[int]] = {}
        for key in self._keys:
            lengths.setdefault(key[0], set()).add(len(key))
        self._lengths = {c: sorted(ls, reverse=True) for c, ls in lengths.items()}
        firsts = "".join(re.escape(c) for c in sorted(self._lengths))
        self._starts = re.compile(f"[{firsts}]") if firsts else None

    def find(self, text: str) -> list[tuple[int, int, str]]:
        found: list[tuple[int, int, str]] = []
        if self._starts is None:
            return found
        position = 0
        while (match := self._starts.search(text, position)) is not None:
            start = match.start()
            position = start + 1
            for length in self._lengths[text[start]]:
                end = start + length
                if end > len(text):
                    continue
                key = text[start:end]
                if key in self._keys and bounded(text, start, end):
                    found.append((start, end, key))
                    position = end
                    break
        return found


INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def strip_invisible(text: str) -> str:
    """``text`` without zero-width, joiner, soft-hyphen and direction marks: invisible in a
    glossary entry, they would keep it from ever matching."""
    return INVISIBLE.sub("", text)


def has_word_character(text: str) -> bool:
    """A letter of any script (Han included): what every term and variant needs."""
    return any(char.isalpha() for char in text)


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...] = ()
    notices: tuple[str, ...] = ()  # things the user should know that stop nothing

    @cached_property
    def by_zh(self) -> dict[str, Term]:
        return {t.zh: t for t in self.terms}

    @cached_property
    def variant_of(self) -> dict[str, str]:
        return {v: t.zh for t in self.terms for v in t.variants}

    @cached_property
    def term_matcher(self) -> Matcher:
        return Matcher(self.by_zh)

    @cached_property
    def variant_matcher(self) -> Matcher:
        return Matcher(self.variant_of)

    def correct(self, text: str) -> tuple[str, tuple[Replacement, ...]]:
        """``text`` with every variant replaced by its term, and what was replaced."""
        pieces, replacements, last, shift = [], [], 0, 0
        for start, end, variant in self.variant_matcher.find(text):
            term = self.variant_of[variant]
            pieces.append(text[last:start])
            pieces.append(term)
            new_start = start + shift
            replacements.append(Replacement(variant, term, new_start, new_start + len(term)))
            shift += len(term) - (end - start)
            last = end
        pieces.append(text[last:])
        return "".join(pieces), tuple(replacements)

    def hits(self, text: str) -> tuple[TermHit, ...]:
        found = []
        for start, end, zh in self.term_matcher.find(text):
            term = self.by_zh[zh]
            found.append(
                TermHit(zh, term.en, term.zh_hant, start, end, term.note, avoid=term.do_not_use)
            )
        return tuple(found)


# --- protection through NMT -------------------------------------------------------------


def protect(segment: Segment) -> str:
    """The text to translate: the segment with each term replaced by its glossary English."""
    pieces, last = [], 0
    for hit in segment.terms:
        pieces.append(segment.source[last : hit.start])
        before = segment.source[hit.start - 1] if hit.start else " "
        after = segment.source[hit.end] if hit.end < len(segment.source) else " "
        pieces.append(("" if before.isspace() else " ") + hit.en + ("" if after.isspace() else " "))
        last = hit.end
    pieces.append(segment.source[last:])
    return " ".join("".join(pieces).split())


def term_pattern(en: str, flags: int = 0) -> re.Pattern[str]:
    """``en`` as a whole word (or words, any spacing), plural allowed: "large models" holds it."""
    body = r"\s+".join(re.escape(word) for word in en.split())
    left = r"(?<![^\W_])" if _is_latin(en[0]) else ""
    plural = "(?:e?s)?" if en[-1].islower() else ""
    right = r"(?![^\W_])" if _is_latin(en[-1]) else ""
    return re.compile(f"{left}(?P<term>{body})(?P<plural>{plural}){right}", flags)


def _spell(en: str, match: re.Match[str]) -> str:
    text, before = match.string, match.start()
    while before > 0 and text[before - 1].isspace():  # not a copy of all the text before
        before -= 1
    opens_sentence = before == 0 or text[before - 1] in ".!?"
    if opens_sentence and match["term"][:1].isupper():
        en = en[:1].upper() + en[1:]
    return en + match["plural"]


def restore(english: str, hits: Sequence[TermHit]) -> str:
    """Put each term back in its glossary spelling where the model changed its case or spacing.

    A capital the sentence needs (the term opens a sentence) and a plural ending are kept.
    """
    for en in {hit.en for hit in hits}:
        english = term_pattern(en, re.IGNORECASE).sub(partial(_spell, en), english)
    return english


def missing_terms(english: str, hits: Sequence[TermHit]) -> list[TermHit]:
    """The hits whose glossary English is not in ``english`` (first letter's case aside)."""
    missing, seen = [], set()
    for hit in hits:
        if hit.zh in seen:
            continue
        seen.add(hit.zh)
        pattern = term_pattern(hit.en)
        capitalised = term_pattern(hit.en[:1].upper() + hit.en[1:])
        if not (pattern.search(english) or capitalised.search(english)):
            missing.append(hit)
    return missing
