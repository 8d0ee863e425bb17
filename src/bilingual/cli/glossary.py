"""``bilingual glossary check|export|import``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bilingual.cli.common import Command
from bilingual.errors import EXIT_INPUT, EXIT_OK


def check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("directory", type=Path, nargs="?", default=Path("glossary"))
    parser.add_argument(
        "--seeds",
        type=Path,
        default=Path("seeds"),
        help="sources whose words the variants must not rewrite (default: seeds/, if present)",
    )


def run_check(args: argparse.Namespace) -> int:
    from bilingual.errors import ManyErrors, listed
    from bilingual.glossary.yaml_files import load_glossary
    from bilingual.project.build import glossary_rewrites

    glossary = load_glossary(args.directory)
    if not args.quiet:
        for notice in listed(list(glossary.notices)):
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


def export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["tbx", "csv"], default="tbx")
    parser.add_argument(
        "--output", type=Path, help="file to write (default: glossary.tbx / glossary.csv)"
    )
    parser.add_argument("directory", type=Path, nargs="?", default=Path("glossary"))


def run_export(args: argparse.Namespace) -> int:
    from bilingual.glossary.exchange import export_glossary

    path = export_glossary(args.directory, args.format, args.output)
    print(path)
    return EXIT_OK


def import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument("directory", type=Path, nargs="?", default=Path("glossary"))
    parser.add_argument(
        "--chinese-synonyms",
        choices=["notes", "variants"],
        default="notes",
        help="a termbase's other Chinese terms: kept in the note (default), or variants the "
        "build replaces with the term (only for misspellings: it rewrites the author's Chinese)",
    )


def run_import(args: argparse.Namespace) -> int:
    from bilingual.errors import listed
    from bilingual.glossary.exchange import import_glossary

    summary = import_glossary(args.file, args.directory, args.chinese_synonyms)
    if not args.quiet:
        for line in listed(summary.notices):
            print(f"note: {line}", file=sys.stderr)
    for line in listed(summary.problems):
        print(line, file=sys.stderr)
    print(summary.line())
    return EXIT_OK if summary.ok else EXIT_INPUT


COMMANDS = (
    Command(("glossary", "check"), "validate glossary/*.yaml", check_arguments, run_check),
    Command(
        ("glossary", "export"),
        "the glossary as TBX or CSV, for CAT tools and sheets",
        export_arguments,
        run_export,
    ),
    Command(
        ("glossary", "import"),
        "terms from a TBX or CSV into glossary/imported-NAME.yaml (existing files intact)",
        import_arguments,
        run_import,
    ),
)
