"""The Argos Translate engine: an installed package's tokenizer and CTranslate2 model.

Batched like a server, decoded like Argos: the package's tokenizer, Argos's decoding settings
(beam 4, length penalty 0.2, replace unknowns) and its target prefix, but every segment of the
build in one stream of batches instead of one call per paragraph. CTranslate2's data
parallelism runs ``workers`` translators sharing one copy of the weights (``inter_threads``),
each with ``threads`` threads; the batches are planned here (``Work``), shortest first, so that
every engine (this one, Ray's) translates exactly the same batches.

Batches are submitted asynchronously, a few per translator at a time (``window.Window``), and
waited for by polling: Python runs a signal handler only between bytecodes, never inside a C++
call, so Ctrl-C is answered within milliseconds even in the middle of a long batch, and no
queued batch is ever waited for.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from bilingual.engines.config import EngineConfig
from bilingual.engines.recipe import SPLIT_ABOVE_CHARS
from bilingual.engines.window import IN_FLIGHT_PER_TRANSLATOR, Tokens, Window
from bilingual.errors import ModelError

# Argos's decoding, asking for the beam's whole n-best list (it costs no extra search): every
# engine yields, per source, its hypotheses ranked best first.
# Argos Translate's own decoding settings (argostranslate.translate.apply_packaged_translation).
DECODING = {"beam_size": 4, "length_penalty": 0.2, "replace_unknowns": True}
SEARCH = {**DECODING, "num_hypotheses": DECODING["beam_size"]}
BATCHES_PER_TRANSLATOR = 4  # at least this many batches each, when the work allows


class ArgosEngine:
    def __init__(self, package, config: EngineConfig | None = None):
        import ctranslate2

        self.package = package
        self.config = config = config or EngineConfig()
        try:
            self.translator = ctranslate2.Translator(
                str(Path(package.package_path) / "model"),
                device=config.device,
                device_index=list(config.device_index),
                compute_type=config.compute_type,
                inter_threads=config.workers,
                intra_threads=config.threads,
            )
            package.tokenizer.encode("测试")  # load the tokenizer now, not mid-translation
        except (RuntimeError, ValueError, OSError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ModelError(
                f"{package.package_path}: cannot load the model on {config.device} ({reason}); "
                "reinstall it with `bilingual models install`, or check the device settings "
                "(ARGOS_DEVICE_TYPE, ARGOS_COMPUTE_TYPE)"
            ) from None

    def translate(self, sources: Sequence[str]) -> Iterator[list[str]]:
        parallel = self.config.workers * len(self.config.device_index)
        work = Work.plan(sources, self.package, self.config, parallel)

        def send(number: int) -> tuple:
            batch = work.batches[number]
            return tuple(
                self.translator.translate_batch(
                    [work.tokens[i] for i in batch],
                    target_prefix=work.prefixes(batch),
                    asynchronous=True,
                    **SEARCH,
                )
            )

        def collect(handles: list[tuple], wait: float) -> list[tuple[tuple, list[list[Tokens]]]]:
            def finished() -> list[tuple]:
                return [h for h in handles if all(result.done() for result in h)]

            done = finished()
            if not done:
                time.sleep(wait)  # a signal interrupts the sleep at once
                done = finished()
            return [(h, [result.result().hypotheses for result in h]) for h in done]

        window = Window(work.batches, IN_FLIGHT_PER_TRANSLATOR * parallel, send, collect)
        yield from work.assemble(window.hypotheses)


@dataclass
class Work:
    """One ``translate`` call, planned: token lists (over-long sources cut into parts) and the
    batches to translate them in, shortest first."""

    parts: list[int]  # how many token lists each source became
    tokens: list[Tokens]  # every part of every source, in source order
    batches: list[list[int]]  # indexes into ``tokens``
    prefix: str | None
    decode: Callable[[Tokens], str]

    @classmethod
    def plan(cls, sources: Sequence[str], package, config: EngineConfig, parallel: int) -> Work:
        """``parallel``: translators that will share the batches (small work is cut finer, so
        that none of them idles while another finishes a big last batch)."""
        tokenizer = package.tokenizer
        pieces = [split_long(source, tokenizer.encode) for source in sources]
        tokens = [t for parts in pieces for t in parts]
        lengths = [len(t) for t in tokens]
        size = config.batch_size
        batches = plan_batches(lengths, size, config.batch_type)
        while len(batches) < BATCHES_PER_TRANSLATOR * parallel and size > 1:
            size //= 2
            batches = plan_batches(lengths, size, config.batch_type)
        return cls([len(p) for p in pieces], tokens, batches, package.target_prefix or None,
                   tokenizer.decode)  # fmt: skip

    def prefixes(self, batch: list[int]) -> list[list[str]] | None:
        return [[self.prefix]] * len(batch) if self.prefix else None

    def english(self, hypotheses: Sequence[Tokens]) -> list[str]:
        out = []
        for tokens in hypotheses:
            text = self.decode(tokens)
            if self.prefix and text.startswith(self.prefix):
                text = text[len(self.prefix) :]
            out.append(text.strip())
        return out

    def assemble(self, hypotheses: Callable[[int], Sequence[Tokens]]) -> Iterator[list[str]]:
        """Per source, in order, its English hypotheses ranked best first; ``hypotheses(i)``
        waits for part ``i``'s. A source cut into parts gets its parts' English joined."""
        index = 0
        for count in self.parts:
            parts = [self.english(hypotheses(index + k)) for k in range(count)]
            index += count
            ranks = max(len(p) for p in parts)
            yield [
                " ".join(e for e in (p[min(rank, len(p) - 1)] for p in parts) if e)
                for rank in range(ranks)
            ]


def plan_batches(lengths: Sequence[int], size: int, kind: str) -> list[list[int]]:
    """Indexes grouped into batches, shortest first: ``size`` examples, or ``size`` tokens
    counting padding (CTranslate2's own rule for token batches)."""
    batches: list[list[int]] = []
    batch: list[int] = []
    longest = 0
    for index in sorted(range(len(lengths)), key=lengths.__getitem__):
        longest = max(longest, lengths[index])
        full = len(batch) >= size if kind == "examples" else (len(batch) + 1) * longest > size
        if batch and full:
            batches.append(batch)
            batch, longest = [], lengths[index]
        batch.append(index)
    if batch:
        batches.append(batch)
    return batches


MAX_TOKENS = 200  # a model's sentences are shorter; CTranslate2 cuts inputs past 1024 tokens
_CLAUSE_END = re.compile(r"(?<=[，,；;：:、])")


def split_long(text: str, encode, limit: int = MAX_TOKENS) -> list[list[str]]:
    """``text`` as token lists of at most ``limit`` tokens, cut after clause punctuation.

    A segment this long is an OCR'd paragraph without full stops, not a sentence; it stays one
    row, and its parts' English is joined. Without punctuation it is cut by length. Text of at
    most ``recipe.SPLIT_ABOVE_CHARS`` characters is never cut, so the cache key knows which
    segments this code can change.
    """
    tokens = encode(text)
    if len(tokens) <= limit or len(text) <= SPLIT_ABOVE_CHARS:
        return [tokens]
    parts: list[str] = []
    current = ""
    for clause in _CLAUSE_END.split(text):
        if current and len(encode(current + clause)) > limit:
            parts.append(current)
            current = ""
        current += clause
    parts.append(current)
    out = []
    for part in parts:
        part_tokens = encode(part)
        out += [part_tokens[i : i + limit] for i in range(0, len(part_tokens), limit)]
    return out
