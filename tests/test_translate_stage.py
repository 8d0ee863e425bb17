"""The translation stage's logic: memory before cache before model, one batch, lazy model."""

from __future__ import annotations

import pytest

from bilingual.document import Document, ModelInfo, Origin, Paragraph
from bilingual.engines.argos import DECODING
from bilingual.glossary.terms import Glossary, Term
from bilingual.project.build import prepare
from bilingual.stages.translate import cache_key, translate_documents

NO_MODEL_INFO = ModelInfo("test-echo", "1")


class DictStore(dict):
    """A cache or memory in a dict (beam ranks beside it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ranks: dict[str, int] = {}

    def put_many(self, items, ranks=()):
        self.update(items)
        self.ranks.update(ranks)

    def rank(self, key):
        return self.ranks.get(key, 0)


class EchoEngine:
    """Returns its input: enough to test the stage's bookkeeping, never a stage's only test."""

    def __init__(self):
        self.calls: list[list[str]] = []

    def translate(self, sources):
        self.calls.append(list(sources))
        return iter([[source] for source in sources])


EMPTY = Glossary()


def doc(name: str, *lines: str, glossary: Glossary = EMPTY) -> Document:
    return prepare(
        Document(name, f"{name}.txt", tuple(Paragraph(i, t) for i, t in enumerate(lines))), glossary
    )


def run(documents, engine=None, memory=None, cache=None):
    engine = engine or EchoEngine()
    return translate_documents(
        documents,
        model=NO_MODEL_INFO,
        load_engine=lambda: engine,
        memory=memory if memory is not None else DictStore(),
        cache=cache if cache is not None else DictStore(),
    ), engine


def test_all_documents_go_to_the_engine_in_one_call_without_duplicates():
    result, engine = run([doc("a", "第一句。第二句。"), doc("b", "第二句。第三句。")])
    assert engine.calls == [["第一句。", "第二句。", "第三句。"]]
    assert result.counts["a"].translated == 2 and result.counts["b"].translated == 2


def test_memory_wins_over_cache_and_model():
    document = doc("a", "第一句。第二句。")
    first, second = document.segments
    cache = DictStore({cache_key(second, NO_MODEL_INFO, DECODING): "cached two"})
    memory = DictStore({"第一句。": "Edited one."})
    result, engine = run([document], memory=memory, cache=cache)
    english = [(s.english, s.origin) for s in result.documents[0].segments]
    assert english == [("Edited one.", Origin.MEMORY), ("cached two", Origin.CACHE)]
    assert engine.calls == []


def test_model_is_not_loaded_when_nothing_is_left_to_translate():
    document = doc("a", "第一句。", "- 0000")
    cache = DictStore({cache_key(document.segments[0], NO_MODEL_INFO, DECODING): "One."})

    def refuse_to_load():
        raise AssertionError("the model was loaded")

    result = translate_documents(
        [document], model=NO_MODEL_INFO, load_engine=refuse_to_load, memory=DictStore(), cache=cache
    )
    counts = result.counts["a"]
    assert (counts.translated, counts.cache, counts.copied) == (0, 1, 1)
    assert result.documents[0].segments[1].english == "- 0000"


def test_cache_key_changes_with_every_input_of_a_translation():
    glossary = Glossary((Term("具身智能", "embodied intelligence"),))
    segment = doc("a", "具身智能。", glossary=glossary).segments[0]
    other_glossary = Glossary((Term("具身智能", "embodied AI"),))
    changed_term = doc("a", "具身智能。", glossary=other_glossary).segments[0]
    key = cache_key(segment, NO_MODEL_INFO, DECODING)
    assert key != cache_key(changed_term, NO_MODEL_INFO, DECODING)
    assert key != cache_key(segment, ModelInfo("test-echo", "2"), DECODING)
    assert key != cache_key(segment, NO_MODEL_INFO, {**DECODING, "beam_size": 2})
    assert key == cache_key(
        doc("b", "具身智能。", glossary=glossary).segments[0], NO_MODEL_INFO, DECODING
    )


def test_finished_translations_are_cached_when_the_build_is_interrupted():
    class Interrupted:
        def translate(self, sources):
            yield ["One."]
            yield ["Two."]
            raise KeyboardInterrupt

    cache = DictStore()
    with pytest.raises(KeyboardInterrupt):
        translate_documents(
            [doc("a", "一。二。三。")],
            model=NO_MODEL_INFO,
            load_engine=Interrupted,
            memory=DictStore(),
            cache=cache,
        )
    assert sorted(cache.values()) == ["One.", "Two."]
