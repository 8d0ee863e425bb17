"""Build a real Argos Translate package with random weights, for tests and benchmarks.

No zh->en model can be downloaded on an offline machine, so tests make one: SentencePiece
trained on the given text, a Transformer of the requested size with random weights saved
through ``ctranslate2.specs.TransformerSpec``, zipped with ``metadata.json`` as Argos expects.
Its English is gibberish; everything around it (install, tokenizer, batched CTranslate2,
alignment, writers) runs for real. Needs numpy (the ``test`` extra).
"""

from __future__ import annotations

import json
import os
import socket
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

ENGLISH_WORDS = (
    "the of and to a in is that it for on with as was by this be are from at an not "
    "have has model video world large intelligence data said will can more than"
).split()


@dataclass(frozen=True)
class ModelSize:
    layers: int = 2
    width: int = 64
    ffn: int = 128
    heads: int = 4
    vocabulary: int = 0  # 0: the SentencePiece vocabulary as trained; more pads it
    quantization: str = "int8"
    eos_bias: float = 2.0  # added to </s>'s logit: sets how long the gibberish sentences run
    embedding_scale: float = 0.08  # small: position encodings dominate, so steps differ


TINY = ModelSize()
# Transformer-base, the size of Argos's zh->en model (~87 MB in int8). The bias and small
# embeddings make sentences end after about 1.4x their source length, like a real model's work.
BASE = ModelSize(
    layers=6, width=512, ffn=2048, heads=8, vocabulary=32000, eos_bias=6.5, embedding_scale=0.002
)


def _train_tokenizer(texts: list[str], prefix: Path) -> list[str]:
    import sentencepiece as spm

    lines = [line for text in texts for line in text.splitlines() if line.strip()]
    lines += [" ".join(ENGLISH_WORDS[i:] + ENGLISH_WORDS[:i]) for i in range(len(ENGLISH_WORDS))]
    chars = len(set("".join(lines)))
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_prefix=str(prefix),
        vocab_size=chars + 200,
        character_coverage=1.0,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    processor = spm.SentencePieceProcessor(model_file=f"{prefix}.model")
    return [processor.id_to_piece(i) for i in range(processor.get_piece_size())]


def _random_spec(size: ModelSize, vocabulary: list[str], seed: int):
    import numpy as np
    from ctranslate2.specs import model_spec, transformer_spec

    rng = np.random.default_rng(seed)
    spec = transformer_spec.TransformerSpec.from_config((size.layers, size.layers), size.heads)
    width, words = size.width, len(vocabulary)

    def shape(path: str) -> tuple[int, ...]:
        if "embeddings" in path or path.endswith("projection/weight"):
            return (words, width)
        if "ffn/linear_0" in path:
            return (size.ffn, width)
        if "ffn/linear_1" in path:
            return (width, size.ffn)
        if "self_attention/linear_0" in path:
            return (3 * width, width)
        if "/attention/linear_1" in path:
            return (2 * width, width)
        return (width, width)

    def fill(layer, path: str) -> None:
        for name, value in list(vars(layer).items()):
            if name.startswith("_"):
                continue
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, model_spec.LayerSpec):
                        fill(item, f"{path}/{name}_{i}")
            elif isinstance(value, model_spec.LayerSpec):
                fill(value, f"{path}/{name}")
            elif value is None:
                if name == "gamma":
                    setattr(layer, name, np.ones(width, np.float32))
                elif name == "beta":
                    setattr(layer, name, np.zeros(width, np.float32))
                else:
                    scale = size.embedding_scale if "embeddings" in path else 0.08
                    weights = rng.standard_normal(shape(f"{path}/{name}")) * scale
                    setattr(layer, name, weights.astype(np.float32))

    fill(spec, "")
    # Make </s> likely enough that sentences end after a few dozen tokens, like a real model.
    bias = np.zeros(words, np.float32)
    bias[vocabulary.index("</s>")] = size.eos_bias
    spec.decoder.projection.bias = bias
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization=size.quantization)
    return spec


def build_package(
    texts: list[str],
    out: Path,
    *,
    size: ModelSize = TINY,
    version: str = "1.9",
    from_code: str = "zh",
    to_code: str = "en",
    seed: int = 0,
) -> Path:
    """Write ``out`` (a ``.argosmodel`` zip) and return it."""
    name = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / name
        root.mkdir()
        vocabulary = _train_tokenizer(texts, root / "sentencepiece")
        (root / "sentencepiece.vocab").unlink()
        if size.vocabulary > len(vocabulary):
            vocabulary += [f"<extra_{i}>" for i in range(size.vocabulary - len(vocabulary))]
        (root / "model").mkdir()
        _random_spec(size, vocabulary, seed).save(str(root / "model"))
        metadata = {
            "package_version": version,
            "argos_version": "1.0",
            "from_code": from_code,
            "from_name": "Chinese",
            "to_code": to_code,
            "to_name": "English",
            "code": f"translate-{from_code}_{to_code}",
            "type": "translate",
        }
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        (root / "README.md").write_text("Random weights, for tests. Output is gibberish.\n")
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                archive.write(path, path.relative_to(tmp).as_posix())
    return out


def closed_port() -> int:
    """A loopback port nobody listens on: a package index that is unreachable at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def isolated_environment(home: Path, packages: Path, index: str | None = None) -> dict[str, str]:
    """This process's environment with Argos's folders under ``home``/``packages`` and no index."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ARGOS_", "XDG_"))}
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        ARGOS_PACKAGES_DIR=str(packages),
        ARGOS_PACKAGE_INDEX=index or f"http://127.0.0.1:{closed_port()}/",
    )
    return env
