"""jieba's dictionary of 349,000 Chinese words with their frequencies ("word frequency tag" a
line), read as a word list: found without importing jieba, whose segmenter is not used."""

from __future__ import annotations

from functools import cache
from importlib.util import find_spec
from pathlib import Path


@cache
def jieba_dictionary() -> str:
    """The text of jieba's ``dict.txt``; "" when jieba is not installed."""
    spec = find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        return ""
    path = Path(next(iter(spec.submodule_search_locations))) / "dict.txt"
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return ""
