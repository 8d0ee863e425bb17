"""QA stage: the pipeline checks its own work and flags what a reviewer should look at.

Every check is a small function in a module of this package, registered by name in ``CHECKS``
with its severity and description; ``qa_off`` in ``bilingual.toml`` switches checks off by
name. Warnings mark the row "needs review"; infos (e.g. a corrected OCR variant) are listed but
need no action. A check sees one segment and a ``Context``: its document and paragraph, what
earlier segments of the whole build said (for consistency), and the Traditional forms of the
Chinese it quotes, so the zh-Hant edition's notes read in its own script.

A check reports at most ``MOST_FINDINGS`` findings a segment, then that there are more: each
finding is listed with its segment's text, so a long segment with a finding per word (a doubled
word throughout a looping translation) would otherwise grow the report, and the time to find
them, with its square.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from itertools import islice

from bilingual.document import Document, Flag, Paragraph, Segment, Severity
from bilingual.stages.qa.consistency import BuildIndex, Sighting
from bilingual.util.registry import Entry, Registry

__all__ = ["CHECKS", "BuildIndex", "CheckInfo", "Context", "Finding", "check_document"]


@dataclass(frozen=True)
class CheckInfo:
    severity: Severity
    description: str  # what it flags, for README and `--help`-style listings
    needs_english: bool = True  # skipped for a segment without English


@dataclass(frozen=True)
class Finding:
    """What a check found: its message, and the same with the Chinese in Traditional."""

    message: str
    message_hant: str | None = None


@dataclass(frozen=True)
class Context:
    document: Document
    paragraph: Paragraph
    segment: Segment
    sighting: Sighting  # earlier segments of the build with the same Chinese or English

    @cached_property
    def _term_hant(self) -> dict[str, str]:
        """The glossary's Traditional form of each term of the segment (the first hit's)."""
        forms: dict[str, str] = {}
        for hit in self.segment.terms:
            if hit.traditional:
                forms.setdefault(hit.zh, hit.traditional)
        return forms

    def hant(self, simplified: str) -> str:
        """A piece of the segment's Chinese as the zh-Hant edition writes it."""
        from bilingual.stages.traditional import converter

        if simplified in self._term_hant:
            return self._term_hant[simplified]
        return converter(self.document.traditional_config or "s2twp").convert(simplified)

    def finding(self, message: str, *chinese: str | tuple[str, str | None]) -> Finding:
        """A finding whose message quotes the Chinese pieces ``chinese`` (each a Simplified
        text, or a pair with the Traditional form to use); in the zh-Hant edition they read in
        Traditional when the document has one."""
        if self.document.traditional_config is None or not chinese:
            return Finding(message)
        hant = message
        for piece in chinese:
            simplified, traditional = piece if isinstance(piece, tuple) else (piece, None)
            hant = hant.replace(simplified, traditional or self.hant(simplified))
        return Finding(message, hant if hant != message else None)


Check = Callable[[Segment, Context], Iterable[Finding]]
MOST_FINDINGS = 10  # per check and segment; then one finding says how many more


def _at_most(findings: Iterable[Finding], most: int = MOST_FINDINGS) -> Iterator[Finding]:
    """The first ``most`` findings, and a last one saying there are more; the rest are not
    even looked for (each may cost a pass over the segment)."""
    found = iter(findings)
    yield from islice(found, most)
    if next(found, None) is not None:
        yield Finding("… and more like these")


def _check(name: str, target: str, severity: Severity, description: str, **kw) -> Entry:
    return Entry(name, target, CheckInfo(severity, description, **kw))


WARNING, INFO = Severity.WARNING, Severity.INFO
CHECKS: Registry[CheckInfo] = Registry(
    "check",
    [
        _check(
            "empty-translation",
            "bilingual.stages.qa.content:empty",
            WARNING,
            "a segment with text has no English",
        ),
        _check(
            "untranslated",
            "bilingual.stages.qa.content:untranslated",
            WARNING,
            "the English still holds Chinese characters",
        ),
        _check(
            "term-missing",
            "bilingual.stages.qa.terms:missing",
            WARNING,
            "a glossary term of the segment is not in the English in its glossary form",
        ),
        _check(
            "term-do-not-use",
            "bilingual.stages.qa.terms:do_not_use",
            WARNING,
            "the English uses a term's English the glossary says not to use (do_not_use: a "
            "termbase's deprecated or forbidden term)",
        ),
        _check(
            "number-mismatch",
            "bilingual.stages.qa.numbers:check",
            WARNING,
            "a number of the Chinese (read as a value: 100亿 = 10 billion) is missing from the "
            "English or has a different value there",
        ),
        _check(
            "verbatim-changed",
            "bilingual.stages.qa.verbatim:check",
            WARNING,
            "a URL, e-mail address or version string of the Chinese is not in the English "
            "character for character",
        ),
        _check(
            "sentence-count",
            "bilingual.stages.qa.content:sentence_count",
            WARNING,
            "the English has fewer sentences than the Chinese, or more than the Chinese has "
            "clauses",
        ),
        _check(
            "end-punctuation",
            "bilingual.stages.qa.typography:end_punctuation",
            WARNING,
            "the Chinese ends a sentence but the English has no end punctuation",
        ),
        _check(
            "fullwidth-punctuation",
            "bilingual.stages.qa.typography:fullwidth",
            WARNING,
            "Chinese full-width punctuation (，。：（） and the like) left in the English",
        ),
        _check(
            "unbalanced-brackets",
            "bilingual.stages.qa.typography:unbalanced",
            WARNING,
            "the English has an unpaired quotation mark or bracket that the Chinese does not",
        ),
        _check(
            "doubled-word",
            "bilingual.stages.qa.typography:doubled_word",
            WARNING,
            'a word written twice in a row ("the the")',
        ),
        _check(
            "double-space",
            "bilingual.stages.qa.typography:double_space",
            WARNING,
            "two or more spaces between words of the English",
        ),
        _check(
            "length-ratio",
            "bilingual.stages.qa.content:length_ratio",
            WARNING,
            "the English is far shorter or longer than the Chinese: an omission or a hallucination",
        ),
        _check(
            "repetition",
            "bilingual.stages.qa.content:repetition",
            WARNING,
            "a word or phrase repeats four times or more: a decoding loop",
        ),
        _check(
            "inconsistent-translation",
            "bilingual.stages.qa.consistency:inconsistent",
            WARNING,
            "the same Chinese is translated differently elsewhere in the build",
        ),
        _check(
            "same-english",
            "bilingual.stages.qa.consistency:same_english",
            INFO,
            "different Chinese has the same English elsewhere in the build",
        ),
        _check(
            "term-choice",
            "bilingual.stages.qa.terms:choice",
            INFO,
            "the English is not the beam's best hypothesis but the best one keeping every "
            "glossary term",
        ),
        _check(
            "variant-replaced",
            "bilingual.stages.qa.terms:variant",
            INFO,
            "a glossary variant (an OCR error, a typo) in the source was read as its term",
            needs_english=False,
        ),
        _check(
            "fuzzy-match",
            "bilingual.stages.qa.memory:fuzzy",
            INFO,
            "the memory has no English for the sentence but a similar one (fuzzy_threshold, "
            "default 75%): offered to the editor with the differences marked, not applied",
        ),
    ],
)


def check_document(
    document: Document, *, build: BuildIndex | None = None, off: Collection[str] = ()
) -> Document:
    """The QA stage: every segment gets its flags.

    ``build`` is what the build has seen so far, shared by its documents (consistency is
    build-wide); without one, the document is checked on its own. ``off``: check names to skip.
    """
    index = build if build is not None else BuildIndex()
    checks = [(name, e.info, e.load()) for name, e in CHECKS.items() if name not in off]
    paragraphs = []
    for paragraph in document.paragraphs:
        segments = []
        for segment in paragraph.segments:
            context = Context(document, paragraph, segment, index.sight(document.name, segment))
            flags = [
                Flag(name, found.message, info.severity, found.message_hant)
                for name, info, check in checks
                if segment.english is not None or not info.needs_english
                for found in _at_most(check(segment, context))
            ]
            segments.append(replace(segment, flags=tuple(flags)))
        paragraphs.append(replace(paragraph, segments=tuple(segments)))
    return replace(document, paragraphs=tuple(paragraphs))
