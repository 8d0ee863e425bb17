"""What the commands share: the ``Command`` declaration, flags used by several commands, and
reading the settings. Nothing heavy is imported here, so ``bilingual --help`` stays instant."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

EPILOG = (
    "exit codes: 0 ok, 1 QA warnings (--strict), 2 bad input, 3 no model, "
    "4 cannot write or busy, 70 internal error, 130 interrupted"
)
SPEED_FLAGS = (
    "workers",
    "threads",
    "batch_size",
    "batch_type",
    "compute_type",
    "device",
    "device_index",
)


@dataclass(frozen=True)
class Command:
    """One command: where it sits (``("glossary", "check")``), its help, its arguments and its
    handler, declared together in the module that runs it."""

    path: tuple[str, ...]
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
    project: bool = False  # takes the project flags (--config, --seeds, --glossary, --tm, ...)
    epilog: str | None = None


def print_json(data: Any) -> None:  # noqa: ANN401 (JSON)
    print(json.dumps(data, ensure_ascii=False, indent=2))


def settings_from(args: argparse.Namespace, *names: str):
    """Defaults, then the config file, then the flags ``names`` the user gave."""
    from bilingual.project.settings import load_settings

    overrides = {name: getattr(args, name) for name in names}
    if getattr(args, "ray_address", None):
        overrides["ray"] = {"address": args.ray_address}
    return load_settings(args.config, overrides)


def names(text: str) -> tuple[str, ...]:
    """A comma-separated list, blanks dropped."""
    return tuple(name.strip() for name in text.split(",") if name.strip())


def numbers(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(n) for n in names(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text}") from None


def global_flags(*, in_subcommand: bool) -> argparse.ArgumentParser:
    """--debug and --quiet, accepted before and after the subcommand.

    Inside a subcommand their default is SUPPRESS, so a flag given before the subcommand is not
    reset by the subcommand's own default.
    """
    flags = argparse.ArgumentParser(add_help=False)
    default = argparse.SUPPRESS if in_subcommand else False
    flags.add_argument("--debug", action="store_true", default=default, help="show tracebacks")
    flags.add_argument(
        "-q", "--quiet", action="store_true", default=default, help="no progress or notes"
    )
    return flags


def project_flags() -> argparse.ArgumentParser:
    """Where the project's parts are, for the commands that read or write them."""
    project = argparse.ArgumentParser(add_help=False)
    project.add_argument(
        "--config", type=Path, help="settings file (default: ./bilingual.toml if present)"
    )
    project.add_argument("--seeds", type=Path, help="sources folder (default: seeds/)")
    project.add_argument("--glossary", type=Path, help="glossary folder (default: glossary/)")
    project.add_argument("--tm", type=Path, help="translation memory folder (default: tm/)")
    project.add_argument(
        "--traditional",
        choices=["s2twp", "s2tw", "s2hk", "s2t"],
        help="OpenCC conversion (default: s2twp, Taiwan with phrases)",
    )
    return project


def speed_flags(parser: argparse.ArgumentParser) -> None:
    """How the model runs; each also a bilingual.toml setting and an Argos variable."""
    parser.add_argument(
        "--workers",
        type=int,
        help="parallel translators per device (ARGOS_INTER_THREADS; default: one per core)",
    )
    parser.add_argument(
        "--threads", type=int, help="threads per translator (ARGOS_INTRA_THREADS; default: 1)"
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        help="examples or tokens per batch (ARGOS_BATCH_SIZE; default: measured)",
    )
    parser.add_argument(
        "--batch-type",
        choices=["examples", "tokens", "auto"],
        help="what --batch-size counts (default: tokens)",
    )
    parser.add_argument(
        "--compute-type",
        help="CTranslate2 compute type (ARGOS_COMPUTE_TYPE; default: the model's own on CPU, "
        "int8_float16 on GPU)",
    )
    parser.add_argument(
        "--device",
        choices=["cpu", "cuda", "auto"],
        help="where to translate (ARGOS_DEVICE_TYPE; default: cpu; auto: a GPU if there is one)",
    )
    parser.add_argument(
        "--device-index",
        type=numbers,
        metavar="N[,N...]",
        help="GPUs to use with --device cuda (default: 0)",
    )
