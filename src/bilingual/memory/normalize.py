"""The one normalization the memory compares Chinese by, so a sentence matches whatever tool
segmented or typed it.

1. Unicode NFKC: full-width ASCII and punctuation become their plain forms (，→ , ；→ ;
   ＡＩ → AI), compatibility forms become their characters. 。、“” and other CJK
   punctuation have no plain form and stay.
2. White space: runs of spaces, tabs and line breaks become one space; a space next to a Han
   character or CJK punctuation is removed (AI 领域 = AI领域); ends are trimmed.
3. The glossary's own variant correction (``correct``, e.g. OpenAl → OpenAI), the one the build
   applies to sources before segmenting them (and step 2 again, for what it put in).

The memory keeps each entry's Chinese as written and stores the normalized form beside it as its
key. The key depends on the glossary's variants, so the store records which ones made its keys
(``Normalizer.fingerprint``) and recomputes them when the glossary's variants change.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# Han, CJK punctuation and symbols, kana, Bopomofo, CJK compatibility and vertical forms.
_CJK = (
    "\u2e80-\u303f\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\ufe10-\ufe1f\ufe30-\ufe4f\uff00-\uffef"
)
_SPACE_BY_CJK = re.compile(f" (?=[{_CJK}])|(?<=[{_CJK}]) ")

PLAIN = "nfkc+space"  # the fingerprint of a normalization without variant correction


@dataclass(frozen=True)
class Normalizer:
    """The normalization of one glossary: its variant correction and a fingerprint of it."""

    correct: Callable[[str], str] | None = None
    fingerprint: str = PLAIN

    def key(self, text: str) -> str:
        """``text`` normalized: the memory's key for it."""
        return self.keys(text)[1]

    def keys(self, text: str) -> tuple[str, str]:
        """(``text`` after steps 1 and 2, after all three): what the fuzzy index reads (it
        does not depend on the glossary), and the key."""
        plain = _spaces(nfkc(text))
        return plain, plain if self.correct is None else _spaces(self.correct(plain))


# The full-width forms Chinese text is full of, as NFKC maps them (str.replace is much faster
# than NFKC's decomposition, which then runs only for what is left, if anything).
_FULL_WIDTH = tuple((chr(c), chr(c - 0xFEE0)) for c in (0xFF0C, 0xFF1A, 0xFF1B, 0xFF08, 0xFF09))
_FULL_WIDTH += (("！", "!"), ("？", "?"), ("\u3000", " "))


def nfkc(text: str) -> str:
    """Unicode NFKC of ``text``."""
    for full, plain in _FULL_WIDTH:
        if full in text:
            text = text.replace(full, plain)
    if unicodedata.is_normalized("NFKC", text):
        return text
    return unicodedata.normalize("NFKC", text)


def _spaces(text: str) -> str:
    text = " ".join(text.split())  # str.split: every run of Unicode white space
    return _SPACE_BY_CJK.sub("", text) if " " in text else text


def variants_normalizer(variants: Mapping[str, str], correct: Callable[[str], str]) -> Normalizer:
    """A normalizer correcting ``variants`` (variant -> term) with ``correct``."""
    if not variants:
        return Normalizer()
    listed = json.dumps(sorted(variants.items()), ensure_ascii=False)
    return Normalizer(correct, "variants:" + hashlib.sha256(listed.encode()).hexdigest()[:16])


PLAIN_NORMALIZER = Normalizer()
