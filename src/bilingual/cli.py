"""The command line. It only wires: parse, call the pipeline or a module, print, exit.

Exit codes: 0 ok; 1 QA warnings under --strict; 2 bad input or usage; 3 no usable model;
4 cannot write, or another build holds the lock; 130 interrupted.
Heavy modules are imported inside the commands so that ``bilingual --help`` is instant.
"""

from __future__ import annotations

import argparse
import json
import signal
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


def _settings(args, *names: str):
    """Defaults, then the config file, then the flags ``names`` the user gave."""
    from bilingual.settings import load_settings

    return load_settings(args.config, {name: getattr(args, name) for name in names})


def cmd_build(args) -> int:
    from bilingual.pipeline import build
    from bilingual.progress import Progress

    settings = _settings(
        args,
        "seeds",
        "glossary",
        "dist",
        "tm",
        "traditional",
        "threads",
        "batch_size",
        "outputs",
        "paper",
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
    from bilingual.glossary import Glossary
    from bilingual.glossary_file import load_glossary
    from bilingual.pipeline import prepare
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
    from bilingual.glossary_file import load_glossary
    from bilingual.pipeline import glossary_rewrites

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
    from bilingual import argos_models

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
    from bilingual import argos_models
    from bilingual.progress import Progress

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


def cmd_import(args) -> int:
    from bilingual.importer import import_files

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
    from bilingual.pipeline import build
    from bilingual.progress import Progress

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
    from bilingual.tmx import export_tmx

    settings = _settings(args, "tm")
    result = export_tmx(settings, args.output)
    print(result.line())
    return EXIT_OK


def cmd_tm_import(args) -> int:
    from bilingual.tmx import import_tmx

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
    from bilingual.glossary_exchange import export_glossary

    path = export_glossary(args.directory, args.format, args.output)
    print(path)
    return EXIT_OK


def cmd_glossary_import(args) -> int:
    from bilingual.glossary_exchange import import_glossary

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
    build.add_argument(
        "--threads", type=int, help="CPU threads for translation (default: all cores)"
    )
    build.add_argument("--batch-size", type=int, help="segments per model batch (default: 32)")
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


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)  # a killed build cleans up like Ctrl-C
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
        return exc.exit_code
    except BrokenPipeError:  # e.g. `bilingual segment FILE | head`
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        if args.debug:
            raise
        print(
            "bilingual: interrupted; outputs, cache and translation memory are as before the "
            "last complete step",
            file=sys.stderr,
        )
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
