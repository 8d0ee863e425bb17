"""``bilingual import`` (editors' files), ``bilingual tm export|import`` (TMX) and
``bilingual tm status`` (the memory against today's sources)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bilingual.cli.common import Command, print_json, settings_from
from bilingual.errors import EXIT_INPUT, EXIT_OK


def import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="edited .docx or .xlf editions, or folders",
    )
    parser.add_argument(
        "--tracked-changes",
        choices=["accept", "refuse"],
        default="accept",
        help="rows with tracked changes: read as if accepted (default), or refuse them",
    )
    parser.add_argument("--json", action="store_true")


def run_import(args: argparse.Namespace) -> int:
    from bilingual.errors import listed
    from bilingual.project.importer import import_files

    settings = settings_from(args, "seeds", "glossary", "tm", "traditional")
    summary = import_files(args.files, settings, tracked_changes=args.tracked_changes)
    if args.json:
        print_json(summary.as_json())
    else:
        if not args.quiet:
            for line in listed(list(summary.notices)):
                print(f"note: {line}", file=sys.stderr)
        for line in listed(summary.problems):
            print(line, file=sys.stderr)
        print(summary.line())
    return EXIT_OK if summary.ok else EXIT_INPUT


def tm_export_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", type=Path, help="file to write (default: tm/memory.tmx)")


def run_tm_export(args: argparse.Namespace) -> int:
    from bilingual.memory.tmx import export_tmx

    settings = settings_from(args, "tm")
    result = export_tmx(settings.tm, args.output)
    if not args.quiet:
        for line in result.notices:
            print(f"note: {line}", file=sys.stderr)
    print(result.line())
    return EXIT_OK


def tm_import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, metavar="FILE")
    parser.add_argument("--json", action="store_true")


def run_tm_import(args: argparse.Namespace) -> int:
    from bilingual.project.tm_import import import_tmx

    settings = settings_from(args, "seeds", "glossary", "tm")
    summary = import_tmx(args.file, settings)
    if args.json:
        print_json(summary.as_json())
    else:
        for line in summary.shown_problems():
            print(line, file=sys.stderr)
        print(summary.line())
        if not args.quiet:
            for line in summary.notices:
                print(f"note: {line}", file=sys.stderr)
    return EXIT_OK if summary.ok else EXIT_INPUT


def tm_status_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true")


def run_tm_status(args: argparse.Namespace) -> int:
    from bilingual.project.memory_status import memory_status

    settings = settings_from(args, "seeds", "glossary", "tm")
    status = memory_status(settings)
    if args.json:
        print_json(status.as_json())
    else:
        if not args.quiet:
            for line in status.notices:
                print(f"note: {line}", file=sys.stderr)
        for line in status.lines():
            print(line)
    return EXIT_OK


COMMANDS = (
    Command(
        ("import",),
        "take editors' English (and notes) from edited editions into the translation memory",
        import_arguments,
        run_import,
        project=True,
    ),
    Command(
        ("tm", "export"),
        "write tm/memory.tmx (TMX 1.4b)",
        tm_export_arguments,
        run_tm_export,
        project=True,
    ),
    Command(
        ("tm", "import"),
        "exact matches from a TMX into the memory",
        tm_import_arguments,
        run_tm_import,
        project=True,
    ),
    Command(
        ("tm", "status"),
        "what the memory holds against today's sources; corrections no source has any more",
        tm_status_arguments,
        run_tm_status,
        project=True,
    ),
)
