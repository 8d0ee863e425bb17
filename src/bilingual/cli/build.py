"""``bilingual build``, ``bilingual export xliff`` and ``bilingual segment``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bilingual.cli.common import (
    EPILOG,
    SPEED_FLAGS,
    Command,
    names,
    print_json,
    settings_from,
    speed_flags,
)
from bilingual.errors import EXIT_OK, EXIT_QA


def build_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dist", type=Path, help="output folder (default: dist/)")
    speed_flags(parser)
    parser.add_argument(
        "--ray-address",
        metavar="auto|local|HOST:PORT",
        help="translate on a Ray cluster (needs bilingual[ray]; default: the [ray] table)",
    )
    parser.add_argument(
        "--outputs",
        type=names,
        help="what to write, comma-separated (default: every format: docx,md,qa,...)",
    )
    parser.add_argument(
        "--paper", choices=["a4", "letter"], help="DOCX (and two-column PDF) paper (default: a4)"
    )
    parser.add_argument(
        "--pdf-layout",
        choices=["facing", "columns"],
        help="the print edition (pdf output): facing A5 pages (default) or two columns",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON report")
    parser.add_argument("--strict", action="store_true", help="exit 1 when QA has warnings")


def run_build(args: argparse.Namespace) -> int:
    from bilingual.errors import listed
    from bilingual.project.build import build
    from bilingual.util.progress import Progress

    settings = settings_from(
        args,
        "seeds",
        "glossary",
        "dist",
        "tm",
        "traditional",
        "outputs",
        "paper",
        "pdf_layout",
        *SPEED_FLAGS,
    )
    report = build(settings, Progress(quiet=args.quiet or args.json))
    if args.json:
        print_json(report.as_json())
    elif not args.quiet:
        for note in listed(report.notes):
            print(f"note: {note}", file=sys.stderr)
        for name, doc in report.documents.items():
            print(
                f"{name}: {doc['segments']} segments ({doc['translated']} translated, "
                f"{doc['cache']} cached, {doc['memory']} edited, {doc['copied']} copied); "
                f"QA: {doc['qa']['warning']} to review"
            )
        print(f"wrote {len(report.files)} files to {settings.dist}")
    return EXIT_QA if args.strict and report.warnings else EXIT_OK


def segment_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path)
    parser.add_argument("--glossary", type=Path, help="glossary folder to match")
    parser.add_argument("--json", action="store_true")


def run_segment(args: argparse.Namespace) -> int:
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
        print_json({"segments": segments})
    else:
        for s in segments:
            terms = ", ".join(f"{t['zh']}={t['en']}" for t in s["terms"])
            print(f"{s['id']}\t{s['source'].strip()}" + (f"\t[{terms}]" if terms else ""))
    return EXIT_OK


def xliff_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("names", nargs="*", metavar="NAME", help="documents (default: all)")
    parser.add_argument("--dist", type=Path, help="output folder (default: dist/)")
    parser.add_argument(
        "--xliff-version", choices=["2.1", "1.2"], help="XLIFF version (default: 2.1)"
    )
    parser.add_argument(
        "--targets",
        dest="xliff_targets",
        choices=["english", "source"],
        help="what <target> holds: our English (default), or a copy of the Chinese (OmegaT)",
    )


def run_export_xliff(args: argparse.Namespace) -> int:
    from bilingual.errors import listed
    from bilingual.project.build import build
    from bilingual.util.progress import Progress

    args.outputs = ("xliff",)
    settings = settings_from(
        args, "seeds", "glossary", "dist", "tm", "traditional", "outputs", "xliff_version",
        "xliff_targets",
    )  # fmt: skip
    report = build(settings, Progress(quiet=args.quiet), names=args.names)
    if not args.quiet:
        for note in listed(report.notes):
            print(f"note: {note}", file=sys.stderr)
    for path in report.files:
        print(path)
    return EXIT_OK


COMMANDS = (
    Command(
        ("build",),
        "seeds/ + glossary/ -> dist/",
        build_arguments,
        run_build,
        project=True,
        epilog=EPILOG,
    ),
    Command(("segment",), "show the segments and terms of a file", segment_arguments, run_segment),
    Command(
        ("export", "xliff"),
        "build and write dist/NAME.zh-Hans_en.xlf, one XLIFF per document",
        xliff_arguments,
        run_export_xliff,
        project=True,
    ),
)
