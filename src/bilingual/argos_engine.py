"""The Argos Translate engine: an installed package's tokenizer and CTranslate2 model.

Batched like a server, decoded like Argos: the package's tokenizer, Argos's decoding settings
(beam 4, length penalty 0.2, replace unknowns) and its target prefix, but one stream of batches
over every segment of the build instead of one call per paragraph.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from bilingual.errors import ModelError
from bilingual.translate import DECODING


class ArgosEngine:
    # Every hypothesis of the beam, ranked best first: with a length penalty CTranslate2 finishes
    # beam_size of them whatever this asks for, so the n-best list costs no extra decoding.
    hypotheses = DECODING["beam_size"]

    def __init__(self, package, *, device: str = "cpu", threads: int = 0, batch_size: int = 32):
        import ctranslate2

        self.package = package
        self.batch_size = batch_size
        try:
            self.translator = ctranslate2.Translator(
                str(Path(package.package_path) / "model"),
                device=device,
                inter_threads=1,
                intra_threads=threads or os.cpu_count() or 1,
            )
            package.tokenizer.encode("测试")  # load the tokenizer now, not mid-translation
        except (RuntimeError, ValueError, OSError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ModelError(
                f"{package.package_path}: cannot load the model on {device} ({reason}); "
                "reinstall it with `bilingual models install`, or check ARGOS_DEVICE_TYPE"
            ) from None

    def translate(self, sources: Sequence[str]) -> Iterator[list[str]]:
        tokenizer = self.package.tokenizer
        prefix = self.package.target_prefix
        pieces = [split_long(source, tokenizer.encode) for source in sources]
        tokens = (tokens for parts in pieces for tokens in parts)
        prefixes = ([prefix] for parts in pieces for _ in parts) if prefix else None
        results = self.translator.translate_iterable(
            tokens,
            target_prefix=prefixes,
            max_batch_size=self.batch_size,
            batch_type="examples",
            num_hypotheses=self.hypotheses,
            **DECODING,
        )
        for parts in pieces:
            english = []
            for _ in parts:
                ranked = []
                for hypothesis in next(results).hypotheses:
                    text = tokenizer.decode(hypothesis)
                    if prefix and text.startswith(prefix):
                        text = text[len(prefix) :]
                    ranked.append(text.strip())
                english.append(ranked)
            # A segment cut in parts yields one hypothesis: the parts' best ones, joined.
            yield english[0] if len(english) == 1 else [" ".join(e[0] for e in english if e[0])]


MAX_TOKENS = 200  # a model's sentences are shorter; CTranslate2 cuts inputs past 1024 tokens
_CLAUSE_END = re.compile(r"(?<=[，,；;：:、])")


def split_long(text: str, encode, limit: int = MAX_TOKENS) -> list[list[str]]:
    """``text`` as token lists of at most ``limit`` tokens, cut after clause punctuation.

    A segment this long is an OCR'd paragraph without full stops, not a sentence; it stays one
    row, and its parts' English is joined. Without punctuation it is cut by length.
    """
    tokens = encode(text)
    if len(tokens) <= limit:
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
