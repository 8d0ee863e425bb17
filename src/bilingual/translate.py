"""Translation stage: every segment's English, from the editors' memory, the cache, or the model.

The order is the editors' rule: an editor's English (translation memory) wins over the machine;
then a cached machine translation; then the model. All segments the model must translate, from
every document of the build, go to the engine in one batched stream. The engine is created only
when something is left to translate, so a rebuild with no change never loads the model.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

from bilingual import recipe
from bilingual.document import Document, ModelInfo, Origin, Segment
from bilingual.glossary import protect, restore

# Argos Translate's own decoding settings (argostranslate.translate.apply_packaged_translation).
DECODING = {"beam_size": 4, "length_penalty": 0.2, "replace_unknowns": True}
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


class Engine(Protocol):
    """A loaded translation model: sources in, and for each, in order, its English hypotheses
    ranked best first (at least one; a beam search's n-best list costs no extra decoding)."""

    def translate(self, sources: Sequence[str]) -> Iterator[Sequence[str]]: ...


class Lookup(Protocol):
    def get(self, key: str) -> str | None: ...


class Cache(Lookup, Protocol):
    def put_many(self, items: Sequence[tuple[str, str]]) -> None: ...


@dataclass
class Counts:
    """Where each segment's English came from, per document."""

    segments: int = 0
    translated: int = 0
    cache: int = 0
    memory: int = 0
    copied: int = 0

    def add(self, origin: Origin) -> None:
        self.segments += 1
        name = "translated" if origin is Origin.MACHINE else origin.value
        setattr(self, name, getattr(self, name) + 1)


@dataclass
class Result:
    documents: list[Document]
    counts: dict[str, Counts] = field(default_factory=dict)


def has_chinese(text: str) -> bool:
    return bool(_HAN.search(text))


def cache_key(segment: Segment, model: ModelInfo, decoding: dict) -> str:
    """Everything that changes a translation: source, model and where it runs (device, compute
    type), decoding, the glossary hits, and the versions of the recipe's code that apply."""
    material = [
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
    answers: dict[str, tuple[str, Origin]] = {}  # segment key -> (english, origin)
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
                answers[key] = (cached, Origin.CACHE)
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
            english, origin = answers[next(doc_keys)]
            counted.add(origin)
            return replace(segment, english=english, origin=origin)

        out.append(replace(doc.map_segments(fill), model=model))
    return Result(out, counts)


def _remember(answers: dict, key: str, english: str, origin: Origin) -> str:
    answers[key] = (english, origin)
    return key


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
    try:
        outputs = engine.translate([protect(todo[k]) for k in keys])
        for key, hypotheses in zip(keys, outputs, strict=True):
            english = restore(hypotheses[0].strip(), todo[key].terms)
            answers[key] = (english, Origin.MACHINE)
            pending.append((key, english))
            if on_translated:
                on_translated(1)
            if len(pending) >= flush_every:
                cache.put_many(pending)
                pending = []
    finally:
        # Finished translations are kept even when the build is interrupted.
        if pending:
            cache.put_many(pending)
