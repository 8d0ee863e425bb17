"""The Argos Translate engine: an installed package's tokenizer and CTranslate2 model.

Batched like a server, decoded like Argos: the package's tokenizer, Argos's decoding settings
(beam 4, length penalty 0.2, replace unknowns) and its target prefix, but one stream of batches
over every segment of the build instead of one call per paragraph.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

from bilingual.errors import ModelError
from bilingual.translate import DECODING


class ArgosEngine:
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

    def translate(self, sources: Sequence[str]) -> Iterator[str]:
        tokenizer = self.package.tokenizer
        prefix = self.package.target_prefix
        tokens = (tokenizer.encode(source) for source in sources)
        prefixes = ([prefix] for _ in sources) if prefix else None
        results = self.translator.translate_iterable(
            tokens,
            target_prefix=prefixes,
            max_batch_size=self.batch_size,
            batch_type="examples",
            **DECODING,
        )
        for result in results:
            text = tokenizer.decode(result.hypotheses[0])
            if prefix and text.startswith(prefix):
                text = text[len(prefix) :]
            yield text.strip()
