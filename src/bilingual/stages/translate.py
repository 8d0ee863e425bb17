"""Translation stage: every segment's English, from the editors' memory, the cache, or the model.

The order is the editors' rule: an editor's English (translation memory) wins over the machine;
then a cached machine translation; then the model. All segments the model must translate, from
every document of the build, go to the engine in one batched stream. The engine is created only
when something is left to translate, so a rebuild with no change never loads the model.

The term-aware choice: the engine returns the beam's hypotheses ranked best first (a beam
search scores them all anyway); a segment with glossary terms takes the highest-ranked one that
keeps every term, and the best one (and QA's usual flag) when none does.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from bilingual.document import Document, ModelInfo, Origin, Segment, TermHit
from bilingual.document.characters import clean_text, has_chinese
from bilingual.engines import recipe
from bilingual.engines.argos import DECODING
from bilingual.glossary.terms import missing_terms, protect, restore


class Engine(Protocol):
    """A loaded translation model: sources in, and for each, in order, its English hypotheses
    ranked best first (at least one; a beam search's n-best list costs no extra decoding)."""

    def translate(self, sources: Sequence[str]) -> Iterator[Sequence[str]]: ...


class Lookup(Protocol):
    def get(self, key: str) -> str | None: ...


class Cache(Lookup, Protocol):
    def put_many(
        self, items: Sequence[tuple[str, str]], ranks: Sequence[tuple[str, int]] = ()
    ) -> None:
        """Store (key, english) pairs, and the beam rank of those that are not the best."""

    def rank(self, key: str) -> int:
        """The beam rank of a cached translation (0: the best-scoring hypothesis)."""


@dataclass
class Counts:
    """Where each segment's English came from, per document."""

    segments: int = 0
    translated: int = 0
    cache: int = 0
    memory: int = 0
    copied: int = 0
    term_choice: int = 0  # English that is a lower beam hypothesis keeping every term

    def add(self, origin: Origin, beam_rank: int = 0) -> None:
        self.segments += 1
        name = "translated" if origin is Origin.MACHINE else origin.value
        setattr(self, name, getattr(self, name) + 1)
        self.term_choice += beam_rank > 0


@dataclass(frozen=True)
class Answer:
    english: str
    origin: Origin
    beam_rank: int = 0


@dataclass
class Result:
    documents: list[Document]
    counts: dict[str, Counts] = field(default_factory=dict)


def cache_key(segment: Segment, model: ModelInfo, decoding: dict) -> str:
    """Everything that changes a translation: source, model and where it runs (device, compute
    type), decoding, the glossary hits, and the versions of the recipe's code that apply."""
    material: list = [
        segment.text,
        model.name,
        model.version,
        sorted(decoding.items()),
        [(hit.zh, hit.en) for hit in segment.terms],
        [model.device, model.compute_type],
        recipe.versions(segment),
    ]
    return hashlib.sha256(json.dumps(material, ensure_ascii=False).encode()).hexdigest()


def translate_documents(
    documents: Sequence[Document],
    *,
    model: ModelInfo,
    load_engine: Callable[[], Engine],
    memory: Lookup,
    cache: Cache,
    decoding: dict = DECODING,
    on_plan: Callable[[int], None] | None = None,
    on_translated: Callable[[int], None] | None = None,
    flush_every: int = 16,
) -> Result:
    """The translation stage over a whole build."""
    counts = {doc.name: Counts() for doc in documents}
    answers: dict[str, Answer] = {}  # segment key -> its English
    todo: dict[str, Segment] = {}  # cache key -> a segment to translate

    def plan(segment: Segment) -> str:
        edited = memory.get(segment.text)
        if edited is not None:
            return _remember(answers, f"memory:{segment.text}", edited, Origin.MEMORY)
        if not has_chinese(segment.text):
            return _remember(answers, f"copy:{segment.text}", segment.text, Origin.COPIED)
        key = cache_key(segment, model, decoding)
        if key not in answers:
            cached = cache.get(key)
            if cached is not None:
                rank = cache.rank(key) if segment.terms else 0
                answers[key] = Answer(cached, Origin.CACHE, rank)
            else:
                todo.setdefault(key, segment)
        return key

    keys = {doc.name: [plan(s) for s in doc.segments] for doc in documents}
    if on_plan:
        on_plan(len(todo))
    if todo:
        _run_engine(load_engine(), todo, answers, cache, on_translated, flush_every)

    out = []
    for doc in documents:
        doc_keys = iter(keys[doc.name])
        counted = counts[doc.name]

        def fill(segment: Segment, doc_keys=doc_keys, counted=counted) -> Segment:
            answer = answers[next(doc_keys)]
            counted.add(answer.origin, answer.beam_rank)
            # Model, cache or memory: the English obeys the sources' rule (document.characters).
            english = clean_text(answer.english)[0]
            return replace(
                segment, english=english, origin=answer.origin, beam_rank=answer.beam_rank
            )

        out.append(replace(doc.map_segments(fill), model=model))
    return Result(out, counts)


def _remember(answers: dict, key: str, english: str, origin: Origin) -> str:
    answers[key] = Answer(english, origin)
    return key


def choose(hypotheses: Sequence[str], terms: Sequence[TermHit]) -> tuple[str, int]:
    """The term-aware choice: the highest-ranked hypothesis (terms restored) that keeps every
    glossary term of the segment, and its rank; the best one when none does (or no terms)."""
    best = restore(hypotheses[0].strip(), terms)
    if not terms or not missing_terms(best, terms):
        return best, 0
    for rank, hypothesis in enumerate(hypotheses[1:], 1):
        english = restore(hypothesis.strip(), terms)
        if not missing_terms(english, terms):
            return english, rank
    return best, 0


def _run_engine(
    engine: Engine,
    todo: dict[str, Segment],
    answers: dict,
    cache: Cache,
    on_translated: Callable[[int], None] | None,
    flush_every: int,
) -> None:
    # Shortest first: the engine's batches then finish in this order, so every translation is
    # handed back (and cached) soon after it is done, and an interrupt loses almost nothing.
    keys = sorted(todo, key=lambda key: len(todo[key].text))
    pending: list[tuple[str, str]] = []
    ranks: list[tuple[str, int]] = []
    try:
        outputs = engine.translate([protect(todo[k]) for k in keys])
        for key, hypotheses in zip(keys, outputs, strict=True):
            english, rank = choose(hypotheses, todo[key].terms)
            answers[key] = Answer(english, Origin.MACHINE, rank)
            pending.append((key, english))
            if rank:
                ranks.append((key, rank))
            if on_translated:
                on_translated(1)
            if len(pending) >= flush_every:
                cache.put_many(pending, ranks)
                pending, ranks = [], []
    finally:
        # Finished translations are kept even when the build is interrupted.
        if pending:
            cache.put_many(pending, ranks)
