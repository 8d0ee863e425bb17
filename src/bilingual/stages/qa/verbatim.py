"""What must reach the English character for character: URLs, e-mail addresses, versions.

URLs are found by the rule that keeps the segmenter from splitting them (``segment_rules``);
e-mail addresses by an ASCII pattern (the segmenter's own takes the Chinese around one with it);
a version is v1.2 or three dotted numbers (1.2.3, 17.4.1).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from bilingual.document import Segment
from bilingual.stages.segment_rules import KEEPS

if TYPE_CHECKING:
    from bilingual.stages.qa import Context, Finding

_RULES = {rule.name: rule.pattern for rule in KEEPS}
URL = _RULES["url"]
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# 1.2.3, v1.2, iOS 17.4.1 (not GPT-3.5: a two-part number without v is a number)
VERSION = re.compile(r"(?<![A-Za-z0-9.])(?:[vV]?\d+(?:\.\d+){2,}|[vV]\d+(?:\.\d+)+)(?!\.?\d)")
_KINDS = (("URL", URL), ("e-mail address", EMAIL), ("version", VERSION))


def check(segment: Segment, context: Context) -> Iterator[Finding]:
    english = segment.english or ""
    taken: list[tuple[int, int]] = []  # a version inside a URL is the URL's
    for kind, pattern in _KINDS:
        found = []
        for match in pattern.finditer(segment.text):
            if not any(start <= match.start() < end for start, end in taken):
                found.append(match.group())
                taken.append(match.span())
        for text in dict.fromkeys(found):
            if text not in english:
                yield context.finding(f"{kind} not in the English unchanged: {text}")
