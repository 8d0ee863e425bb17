"""Fuzzy matches: the memory's entries closest to a sentence that has no exact match.

Similarity is character-level: rapidfuzz's normalized Levenshtein similarity of the two
normalized Chinese sentences (``memory.normalize``), 1 - edits / the longer length, shown in
percent ("92% match") as CAT tools show it. A threshold of 75% needs the lengths within 3:4.

Candidates come from an index, so a lookup costs the same at a thousand entries or millions:
each entry is indexed under its ``SIGNATURE`` rarest tokens (a Han character, or a run of Latin
letters or digits: ``Ranks``), rarest by the character frequencies of jieba's dictionary of
Chinese words (the order is kept in the store, so its postings and lookups always agree),
together with its length. A lookup reads the postings of the sentence's ``LOOKED_UP`` rarest
tokens within the lengths its threshold allows, ranks the entries by how many of those tokens
they are indexed under, and scores the best ``CANDIDATES`` of them. An entry similar enough
shares most of its characters with the sentence, rare ones among them, and a rewording seldom
touches them all; an entry none of whose indexed tokens is among the sentence's rarest is not
found (``benchmarks/bench_memory.py`` measures how often, against a full scan).
"""

from __future__ import annotations

import re
import zlib

from bilingual.util.dictionary import jieba_dictionary

SIGNATURE = 4  # tokens each entry is indexed under
LOOKED_UP = 8  # tokens of a sentence whose postings a lookup reads
CANDIDATES = 32  # entries scored per lookup
_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
_LATIN = re.compile(r"[A-Za-z]+|[0-9]+")


def char_frequencies() -> dict[str, int]:
    """Each Han character's frequency: the sum of the frequencies of jieba's words holding it."""
    frequencies: dict[str, int] = {}
    for line in jieba_dictionary().splitlines():
        word, _, rest = line.partition(" ")
        count = int(rest.split(" ", 1)[0] or 0) if rest else 0
        for char in word:
            frequencies[char] = frequencies.get(char, 0) + count
    return frequencies


def rarity_order() -> str:
    """Every Han character of the Basic Multilingual Plane, rarest first: those jieba's
    dictionary lacks, then by the frequency of the words holding them (ties by code point)."""
    frequencies = char_frequencies()
    chars = [chr(c) for low, high in _HAN_RANGES for c in range(low, high + 1)]
    chars.sort(key=lambda c: (frequencies.get(c, 0), c))
    return "".join(chars)


class Ranks:
    """An entry's or a sentence's tokens, rarest first: Latin words (names, products), then Han
    characters by ``rarity_order``, then numbers (they change between versions of a sentence).
    A Han character's token is its rank; a word's or number's a negative hash of it."""

    def __init__(self, order: str):
        self.rank = {c: rank for rank, c in enumerate(order)}
        self.han = frozenset(order)

    def tokens(self, key: str, limit: int | None = None) -> list[int]:
        """The distinct tokens of a normalized sentence, rarest first (``limit`` of them)."""
        han = sorted(map(self.rank.__getitem__, set(key) & self.han))
        if not _LATIN.search(key):
            return han[:limit]
        latin = sorted(set(_LATIN.findall(key.lower())))
        words = [_hashed(t) for t in latin if not t.isdigit()]
        numbers = [_hashed(t) for t in latin if t.isdigit()]
        return (words + han + numbers)[:limit]


def _hashed(token: str) -> int:
    return -1 - zlib.crc32(token.encode())


def length_range(length: int, threshold: int) -> tuple[int, int]:
    """The lengths an entry can have and still reach ``threshold`` percent against a sentence
    of ``length`` characters (Levenshtein: at least the difference in length is edits)."""
    low = -(-length * threshold // 100)  # ceiling
    high = length * 100 // threshold if threshold else length * 100
    return low, high


def similarity(a: str, b: str) -> int:
    """Character-level similarity in whole percent (rounded down: 100 only when equal)."""
    from rapidfuzz.distance import Levenshtein

    return int(Levenshtein.normalized_similarity(a, b) * 100 + 1e-9)


def marked(memory: str, today: str) -> str:
    """The memory's Chinese with what differs from today's sentence marked: 【old→new】 where
    the memory has other words, 【old→】 where today's sentence has nothing, 【→new】 where it
    has more. Changes closer than two characters are marked as one."""
    from rapidfuzz.distance import Levenshtein

    pieces: list[str] = []
    changes: list[list[int]] = []  # [memory start, memory end, today start, today end]
    for op in Levenshtein.opcodes(memory, today):
        if op.tag == "equal":
            continue
        if changes and op.src_start - changes[-1][1] < 2 and op.dest_start - changes[-1][3] < 2:
            changes[-1][1], changes[-1][3] = op.src_end, op.dest_end
        else:
            changes.append([op.src_start, op.src_end, op.dest_start, op.dest_end])
    last = 0
    for old_start, old_end, new_start, new_end in changes:
        pieces.append(memory[last:old_start])
        pieces.append(f"【{memory[old_start:old_end]}→{today[new_start:new_end]}】")
        last = old_end
    pieces.append(memory[last:])
    return "".join(pieces)
