"""The Argos engine with a real generated package: tokenizer, batched CTranslate2, long inputs."""

from __future__ import annotations

from pathlib import Path

import pytest
from argostranslate.package import Package

from bilingual.engines.argos import MAX_TOKENS, ArgosEngine, Work, plan_batches, split_long
from bilingual.engines.config import EngineConfig


@pytest.fixture(scope="module")
def package(installed_packages) -> Package:
    path = next(p for p in Path(installed_packages).iterdir() if p.is_dir())
    return Package(path)


def test_every_source_gets_its_english_in_order(package):
    engine = ArgosEngine(package, EngineConfig(batch_size=4, batch_type="examples"))
    sources = [f"第{n}句话。" for n in range(10)] + ["OpenAI 发布了 Sora 模型。"]
    english = list(engine.translate(sources))
    assert len(english) == len(sources)
    assert all(len(h) >= 1 and all(isinstance(e, str) and e for e in h) for h in english)
    assert english == list(
        ArgosEngine(
            package, EngineConfig(batch_size=4, batch_type="examples", workers=2)
        ).translate(sources)
    )


def test_long_segments_are_translated_in_parts_and_joined(package):
    encode = package.tokenizer.encode
    clause = "他认为大模型会改变很多行业的工作方式，"
    text = clause * 60 + "所以要早做准备。"
    parts = split_long(text, encode)
    assert len(parts) > 1 and all(len(p) <= MAX_TOKENS for p in parts)
    assert sum(len(p) for p in parts) >= len(encode(text)) - len(parts)  # nothing dropped
    no_punctuation = "具身智能" * 400
    assert all(len(p) <= MAX_TOKENS for p in split_long(no_punctuation, encode))

    calls = []
    engine = ArgosEngine(package, EngineConfig(batch_size=100, batch_type="examples"))

    class Spy:  # sees what reaches CTranslate2
        def __init__(self, translator):
            self.translator = translator

        def translate_batch(self, tokens, **kwargs):
            calls.append(tokens)
            return self.translator.translate_batch(tokens, **kwargs)

    engine.translator = Spy(engine.translator)
    english = list(engine.translate(["短句。", text]))
    assert len(english) == 2
    sent = [tokens for call in calls for tokens in call]
    assert len(sent) == 1 + len(parts)
    assert max(len(t) for t in sent) <= MAX_TOKENS


def test_batches_are_shortest_first_and_counted_as_ctranslate2_counts_them():
    lengths = [5, 1, 3, 9, 2, 2]
    assert plan_batches(lengths, 2, "examples") == [[1, 4], [5, 2], [0, 3]]
    # Tokens count padding: a batch of n examples costs n x its longest.
    assert plan_batches(lengths, 6, "tokens") == [[1, 4, 5], [2], [0], [3]]
    assert plan_batches([50], 8, "tokens") == [[0]]  # one example longer than a batch still goes


def test_small_work_is_cut_finer_so_no_translator_idles(package):
    sources = [f"第{n}句话很短。" for n in range(40)]
    config = EngineConfig(batch_size=4096, batch_type="tokens")
    assert len(Work.plan(sources, package, config, parallel=1).batches) >= 4
    assert len(Work.plan(sources, package, config, parallel=2).batches) >= 8
    one = Work.plan(sources[:3], package, config, parallel=2)
    assert sorted(i for b in one.batches for i in b) == [0, 1, 2]


def test_the_window_keeps_two_batches_per_translator_and_sends_them_as_needed():
    """An interrupt waits for no queued batch because none is queued: the translators hold at
    most two batches each, refilled as they finish, first needed first sent."""
    from bilingual.engines.window import Window

    batches = [[4, 5], [0, 1], [2, 3], [6], [7, 8, 9]]
    sent: list[int] = []
    busy: list[int] = []
    most = 0

    def send(number: int) -> int:
        nonlocal most
        sent.append(number)
        busy.append(number)
        most = max(most, len(busy))
        return number

    def collect(handles: list[int], wait: float) -> list[tuple[int, list]]:
        number = busy.pop(0)  # the oldest batch finishes
        return [(number, [[[f"t{i}"]] for i in batches[number]])]

    window = Window(batches, limit=2, send=send, collect=collect)
    assert [window.hypotheses(i) for i in range(10)] == [[[f"t{i}"]] for i in range(10)]
    assert sent == [1, 2, 0, 3, 4] and most == 2
    assert not window.ready and not window.in_flight  # nothing kept once handed back
