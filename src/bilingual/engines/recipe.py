"""The translation recipe: a version for each piece of code that shapes a machine translation.

The cache key of a segment (``translate.cache_key``) carries the versions of the components
that apply to that segment, so bumping one component's version invalidates exactly the cached
translations it could have changed, and nothing else: a change to glossary protection
retranslates the segments with terms, a change to long-segment splitting only the long ones.

To change what a component produces: bump its ``version`` here, in the same commit. To add a
component: one ``Component`` line, with the test for the segments it applies to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bilingual.document import Segment

# A segment can only be cut into parts when its text has more characters than an engine's
# token limit (a SentencePiece token covers at least one character): see engines.argos.split_long.
SPLIT_ABOVE_CHARS = 200


@dataclass(frozen=True)
class Component:
    name: str
    version: int
    applies: Callable[[Segment], bool]
    what: str


def _always(segment: Segment) -> bool:
    return True


def _has_terms(segment: Segment) -> bool:
    return bool(segment.terms)


def _is_long(segment: Segment) -> bool:
    from bilingual.glossary.terms import protect

    return len(protect(segment)) > SPLIT_ABOVE_CHARS


RECIPE: tuple[Component, ...] = (
    Component(
        "decoding",
        1,
        _always,
        "how a hypothesis is asked for and read back (stages/translate.py, engines/argos.py)",
    ),  # fmt: skip
    Component("protection", 1, _has_terms, "glossary.terms.protect and restore"),
    Component("splitting", 1, _is_long, "engines.argos.split_long (over-long segments)"),
    Component(
        "term-aware choice",
        1,
        _has_terms,
        "stages.translate.choose: which of the beam's hypotheses keeps the glossary terms",
    ),
)


def versions(segment: Segment) -> list[list]:
    """``[name, version]`` of every component that shapes ``segment``'s translation."""
    return [[c.name, c.version] for c in RECIPE if c.applies(segment)]
