"""What must reach the English character for character: URLs, e-mail addresses, versions.

URLs are found by the rule that keeps the segmenter from splitting them (``segment_rules``);
e-mail addresses by an ASCII pattern (the segmenter's own takes the Chinese around one with it);
a version is v1.2 or three dotted numbers (1.2.3, 17.4.1).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from itertools import accumulate
from typing import TYPE_CHECKING

from bilingual.document import Segment
from bilingual.stages.segment_rules import KEEPS, Spans, address_finder

if TYPE_CHECKING:
    from bilingual.stages.qa import Context, Finding

_RULES = {rule.name: rule.pattern for rule in KEEPS}
URL = _RULES["url"]
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# 1.2.3, v1.2, iOS 17.4.1 (not GPT-3.5: a two-part number without v is a number)
VERSION = re.compile(r"(?<![A-Za-z0-9.])(?:[vV]?\d+(?:\.\d+){2,}|[vV]\d+(?:\.\d+)+)(?!\.?\d)")


def _spans(pattern: re.Pattern[str]) -> Callable[[str], Spans]:
    return lambda text: (match.span() for match in pattern.finditer(text))


# Each finds what its pattern finds, in linear time (EMAIL's own would not: see address_finder).
FINDERS: dict[str, Callable[[str], Spans]] = {
    "URL": _spans(URL),
    "e-mail address": address_finder("[A-Za-z0-9._%+-]", "[A-Za-z0-9-]"),
    "version": _spans(VERSION),
}


def check(segment: Segment, context: Context) -> Iterator[Finding]:
    english, text = segment.english or "", segment.text
    taken: list[tuple[int, int]] = []  # a version inside a URL is the URL's
    for kind, find in FINDERS.items():
        earlier = sorted(taken)  # the other kinds' spans (one kind's never overlap)
        starts = [start for start, _ in earlier]
        reach = list(accumulate((end for _, end in earlier), max))  # furthest end so far
        found = []
        for start, end in find(text):
            before = bisect_right(starts, start) - 1  # the spans starting at or before it
            if before < 0 or reach[before] <= start:
                found.append(text[start:end])
                taken.append((start, end))
        in_english = {english[a:b] for a, b in find(english)}  # most are there as written
        for item in dict.fromkeys(found):
            if item not in in_english and item not in english:
                yield context.finding(f"{kind} not in the English unchanged: {item}")
