"""The build, wired: read -> glossary -> segment -> translate -> traditional -> qa -> formatting
-> write.

Everything that can be refused (glossary, sources, model) is checked before anything is
translated; outputs are staged as temporary files and renamed into ``dist/`` only when all of
them are written, with Ctrl-C held off for the renames, so ``dist/`` is never half-updated.
"""

from __future__ import annotations

import functools
import os
import signal
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from bilingual.document import Document, Severity
from bilingual.document.editions import EDITIONS, edition_table
from bilingual.engines import config as engine_config
from bilingual.engines import packages as argos_models
from bilingual.engines.config import EngineConfig
from bilingual.errors import EnvironmentProblem, InputError, ManyErrors, MissingRenderer
from bilingual.glossary.terms import Glossary
from bilingual.glossary.words import VariantWords
from bilingual.glossary.yaml_files import load_glossary
from bilingual.memory.bases import FOLDER, EditionStore
from bilingual.memory.lock import tidy as tidy_memory
from bilingual.project.preflight import (
    check_file_name,
    check_output_names,
    check_writable,
    shown,
)
from bilingual.project.settings import Settings
from bilingual.readers import SOURCE_SUFFIXES, read_source
from bilingual.stages.glossary import annotate_terms, correct_variants
from bilingual.stages.segment import segment_document
from bilingual.util.atomic import remove_leftovers, staged
from bilingual.util.locks import folder_lock
from bilingual.util.progress import Progress
from bilingual.util.reproducible import source_date_epoch
from bilingual.writers import WriteOptions, output_names, targets


def prepare(document: Document, glossary: Glossary) -> Document:
    """What every later stage sees: variants corrected, segmented, terms found."""
    return annotate_terms(segment_document(correct_variants(document, glossary)), glossary)


@dataclass
class Report:
    files: list[str] = field(default_factory=list)
    documents: dict[str, dict] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> int:
        return sum(d["qa"]["warning"] for d in self.documents.values())

    def as_json(self) -> dict:
        return {
            "files": self.files,
            "documents": self.documents,
            "seconds": {k: round(v, 3) for k, v in self.seconds.items()},
            "notes": self.notes,
        }


class _Timer:
    def __init__(self, report: Report):
        self.report = report

    @contextmanager
    def __call__(self, stage: str):
        start = time.perf_counter()
        yield
        self.report.seconds[stage] = (
            self.report.seconds.get(stage, 0.0) + time.perf_counter() - start
        )


def discover_sources(seeds: Path) -> tuple[list[Path], list[str]]:
    if not seeds.is_dir():
        raise InputError(f"{seeds}: sources folder not found; create it or pass --seeds DIR")
    sources: list[Path] = []
    notes: list[str] = []
    for path in sorted(seeds.iterdir()):
        if path.name.startswith((".", "~$")) or not path.is_file():  # ~$: Word's lock files
            continue
        if path.suffix.lower() in SOURCE_SUFFIXES:
            check_file_name(path)
            same = next((p for p in sources if p.stem.casefold() == path.stem.casefold()), None)
            if same is not None:
                raise InputError(f"{path}: same output name as {same}; rename one of them")
            sources.append(path)
        else:
            notes.append(
                f"{shown(path)}: ignored (only {', '.join(SOURCE_SUFFIXES)} files are sources)"
            )
    return sources, notes


def find_source(seeds: Path, name: str) -> Path | None:
    """The source file of the document called ``name``, in any source format."""
    if not seeds.is_dir():
        return None
    for path in sorted(seeds.iterdir()):
        if path.stem == name and path.suffix.lower() in SOURCE_SUFFIXES and path.is_file():
            return path
    return None


def glossary_rewrites(glossary: Glossary, seeds: Path) -> list[str]:
    """Variants of ``glossary`` that would rewrite a common word in the sources of ``seeds``."""
    rewrites = VariantWords(glossary)
    if not rewrites:
        return []
    paths, _ = discover_sources(seeds)
    problems = [p for path in paths for p in rewrites.in_document(read_source(path))]
    return list(dict.fromkeys(problems))


def reading_changes(document: Document) -> str:
    """What reading changed, counted by kind: "links made plain text: 2, ..."."""
    from collections import Counter

    counts = Counter(n.check for n in document.reading_notes)
    return ", ".join(f"{READING_CHANGES.get(check, check)}: {n}" for check, n in counts.items())


READING_CHANGES = {
    "link-refused": "links made plain text",
    "nesting-flattened": "blocks nested too deep read flat",
    "html-shown-as-code": "HTML blocks shown as code",
    "source-unsupported": "things not kept as they were",
}


def check_sources(
    paths: list[Path], report: Report, settings: Settings, glossary: Glossary
) -> list[Path]:
    """Read every source once, before anything is translated: refuse bad ones, skip empty ones.

    Only the paths are kept, so memory does not grow with the corpus; the build reads each
    file again when its turn comes.
    """
    buildable = []
    rewrites = VariantWords(glossary)
    problems: list[str] = []
    for path in paths:
        document = read_source(path)
        if rewrites:
            problems += rewrites.in_document(document)
        if not document.paragraphs:
            report.notes.append(f"{path}: empty, skipped")
            continue
        if document.encoding not in ("utf-8", "utf-8-sig"):
            traditional = (
                " (Traditional Chinese; sources should be Simplified)"
                if document.encoding == "big5"
                else ""
            )
            report.notes.append(f"{path}: not UTF-8, read as {document.encoding}{traditional}")
        if document.cleaned:
            report.notes.append(
                f"{path}: {len(document.cleaned)} characters no output can hold were removed "
                f"(listed in {document.name}.qa.json)"
            )
        if document.reading_notes:
            report.notes.append(
                f"{path}: {reading_changes(document)} (listed in {document.name}.qa.json)"
            )
        check_output_names(path, output_names(document.name, settings.outputs), settings.dist)
        buildable.append(path)
    if problems:
        raise ManyErrors(list(dict.fromkeys(problems)))
    return buildable


def chunks(paths: list[Path], glossary: Glossary, size: int) -> Iterator[list[Document]]:
    """Prepared documents, in groups of at least ``size`` segments (the last may be smaller).

    Many documents go to the model together (batches stay full), while memory holds one group.
    """
    group: list[Document] = []
    segments = 0
    for path in paths:
        document = prepare(read_source(path), glossary)
        group.append(document)
        segments += len(document.segments)
        if segments >= size:
            yield group
            group, segments = [], 0
    if group:
        yield group


@contextmanager
def build_lock(state: Path):
    """One build or import of a project at a time (not waited for: exit 4); tidies what a killed
    run left in ``state``. The first lock a command takes (the order is in ``util.locks``)."""
    check_writable(state, "project state folder")
    with folder_lock(
        state / "build.lock",
        "the project state",
        wait=0,
        busy="another build of this project is running",
    ):
        for folder in (state, state / FOLDER):
            remove_leftovers(folder)
        yield


def resolve_model(progress: Progress):
    package = argos_models.find_zh_en()
    if package is not None:
        return package
    progress.say(f"no zh->en model installed; trying the package index {argos_models.index_url()}")
    bar = progress.bar(None, "downloading zh->en model", unit="B", unit_scale=True)
    return argos_models.install_from_index(lambda n, total: bar(n))


def _engine_loader(package, engine: str, config: EngineConfig) -> Callable:
    """Load the model on first use only, and once for the whole build."""

    @functools.cache
    def load():
        from bilingual.engines import ENGINES

        return ENGINES[engine].load()(package, config)

    return load


@contextmanager
def _no_interrupts() -> Iterator[list[int]]:
    """Hold Ctrl-C while the staged outputs are renamed into place; a signal that arrives
    meanwhile is taken (listed in the yielded list), not delivered after the work is done.

    The handlers are swapped, not only this thread's signal mask: a signal sent to the process
    may be delivered to any thread (CTranslate2's among them), and Python then runs the handler
    here, in the main thread."""
    held: list[int] = []

    def hold(signo: int, frame: object) -> None:
        held.append(signo)

    previous = {sig: signal.signal(sig, hold) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield held
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class StagedOutputs:
    """Outputs written as temporary files beside their targets, renamed into place together.

    Each document's edition tables are kept in the edition store first, so any file that reaches
    ``dist/`` has its base in the project before an editor can see it.
    """

    def __init__(
        self, dist: Path, outputs: tuple[str, ...], options: WriteOptions, store: EditionStore
    ):
        self.dist, self.outputs, self.options, self.store = dist, outputs, options, store
        self.pending: list[tuple[Path, Path]] = []  # (temporary, target)
        self.interrupted = False  # Ctrl-C came while the finished outputs were renamed
        # An output this machine cannot make (the PDF without its renderer's libraries): the
        # others are written, then the build stops with it.
        self.missing: MissingRenderer | None = None
        self.missing_suffix = ""

    def add(self, document: Document) -> None:
        try:
            for edition in EDITIONS:
                self.store.record(edition_table(document, edition))
            self.dist.mkdir(parents=True, exist_ok=True)
            for target, write in targets(document, self.dist, self.outputs, self.options):
                if self.missing is not None and target.suffix == self.missing_suffix:
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)  # e.g. dist/NAME.assets/
                try:
                    self.pending.append((staged(target, write), target))
                except MissingRenderer as exc:
                    self.missing, self.missing_suffix = exc, target.suffix
        except OSError as exc:
            raise _cannot_write(exc, self.dist) from None

    def commit(self) -> list[str]:
        try:
            with _no_interrupts() as held:
                for tmp, target in self.pending:
                    os.replace(tmp, target)
        except OSError as exc:
            raise _cannot_write(exc, self.dist) from None
        self.interrupted = bool(held)
        written = [str(target) for _, target in self.pending]
        self.pending = []
        return written

    def discard(self) -> None:
        for tmp, _ in self.pending:
            tmp.unlink(missing_ok=True)
        self.pending = []


def _cannot_write(exc: OSError, dist: Path) -> EnvironmentProblem:
    where = exc.filename or dist
    if isinstance(exc, FileNotFoundError) and exc.filename2:  # the rename of a staged output
        return EnvironmentProblem(
            f"{where}: this build's staged output was removed by another program before it "
            f"could become {exc.filename2}; rebuild (previous outputs are intact)"
        )
    return EnvironmentProblem(
        f"{where}: cannot write ({exc.strerror}); free space or fix permissions and rebuild "
        "(previous outputs are intact)"
    )


CHUNK_SEGMENTS = 2048  # segments per group of documents sent to the model together


def _document_report(document: Document, counts) -> dict:
    severities = [f.severity for s in document.segments for f in s.flags]
    severities += [n.severity for n in document.reading_notes]
    return {
        "source": document.source_path,
        "encoding": document.encoding,
        "segments": counts.segments,
        "translated": counts.translated,
        "cache": counts.cache,
        "memory": counts.memory,
        "copied": counts.copied,
        "term_choice": counts.term_choice,
        "qa": {
            "warning": severities.count(Severity.WARNING),
            "info": severities.count(Severity.INFO),
        },
    }


def select_sources(paths: list[Path], names: Collection[str], seeds: Path) -> list[Path]:
    """The sources of the documents called ``names``; InputError naming any unknown one."""
    by_name = {p.stem: p for p in paths}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        known = ", ".join(by_name) or "none"
        raise InputError(f"{seeds}: no source named {unknown[0]!r} (documents: {known})")
    return [by_name[n] for n in dict.fromkeys(names)]


def build(settings: Settings, progress: Progress, names: Collection[str] = ()) -> Report:
    """Build every source, or only the documents called ``names``."""
    from bilingual.memory.cache import TranslationCache
    from bilingual.memory.translation_memory import TranslationMemory
    from bilingual.stages.editor_notes import attach_editor_notes
    from bilingual.stages.formatting import carry_document
    from bilingual.stages.fuzzy import offer_matches
    from bilingual.stages.glossary import memory_normalizer
    from bilingual.stages.qa import BuildIndex, check_document
    from bilingual.stages.traditional import convert_document
    from bilingual.stages.translate import translate_documents

    source_date_epoch()  # a malformed SOURCE_DATE_EPOCH stops the build before anything is read
    report = Report()
    timed = _Timer(report)
    with build_lock(settings.state):
        with timed("read"):
            if settings.glossary.exists():
                glossary = load_glossary(settings.glossary, cache_dir=settings.state)
            else:
                glossary = Glossary()
                report.notes.append(
                    f"{settings.glossary}: no glossary folder, building without terms"
                )
            paths, notes = discover_sources(settings.seeds)
            report.notes.extend(notes)
            report.notes.extend(glossary.notices)
            if names:
                paths = select_sources(paths, names, settings.seeds)
            paths = check_sources(paths, report, settings, glossary)
            # Read only, but for its store: migrated or rebuilt under the memory's lock.
            memory = TranslationMemory(settings.tm, memory_normalizer(glossary))
            report.notes.extend(memory.notices)
            tidy_memory(settings.tm)
            if paths:
                check_writable(settings.dist, "output folder", create=False)
                for folder in (settings.dist, *settings.dist.glob("*.assets")):
                    remove_leftovers(folder)
        if not paths:
            memory.close()
            report.notes.append(f"{settings.seeds}: no sources to build")
            return report
        with timed("model"):
            config = engine_config.resolve(settings.speed)  # refuses a device this machine lacks
            package = resolve_model(progress)
            model = replace(
                argos_models.model_info(package),
                device=config.device,
                compute_type=config.compute_type,
            )
        load_engine = _engine_loader(package, settings.engine, config)
        cache = TranslationCache(settings.state / "cache.sqlite")
        report.notes.extend(cache.notes)
        outputs = StagedOutputs(
            settings.dist,
            settings.outputs,
            WriteOptions(
                paper=settings.paper,
                xliff_version=settings.xliff_version,
                xliff_targets=settings.xliff_targets,
                pdf_layout=settings.pdf_layout,
            ),
            EditionStore(settings.state),
        )
        bar = progress.counter("translating", unit="seg")
        seen = BuildIndex()  # QA's view of the whole build, across groups of documents
        present: set[int] = set()  # every sentence of the build, as the memory hashes it

        def fuzzy(texts):
            return memory.fuzzy(texts, settings.fuzzy_threshold)

        try:
            documents = chunks(paths, glossary, CHUNK_SEGMENTS)
            while True:
                with timed("read"):
                    group = next(documents, None)
                if group is None:
                    break
                with timed("translate"):
                    result = translate_documents(
                        group,
                        model=model,
                        load_engine=load_engine,
                        memory=memory,
                        cache=cache,
                        on_plan=bar.expect,
                        on_translated=bar.advance,
                    )
                group = result.documents
                if settings.fuzzy_threshold:
                    with timed("fuzzy"):
                        group = offer_matches(group, fuzzy)
                group = [attach_editor_notes(d, memory.notes) for d in group]
                present.update(memory.hash(s.text) for d in group for s in d.segments)
                with timed("traditional"):
                    group = [convert_document(d, settings.traditional) for d in group]
                with timed("qa"):
                    group = [
                        carry_document(check_document(d, build=seen, off=settings.qa_off))
                        for d in group
                    ]
                with timed("write"):
                    for document in group:
                        outputs.add(document)
                        report.documents[document.name] = _document_report(
                            document, result.counts[document.name]
                        )
            with timed("write"):
                report.files = outputs.commit()
                if outputs.interrupted:
                    report.notes.append(
                        "interrupted while the finished outputs were being put in place: they "
                        "are all written, the build is complete"
                    )
            if outputs.missing is not None:
                raise outputs.missing
            if not names:  # every source was built: corrections none of them has any more
                orphans = memory.count_orphans(present)
                if orphans:
                    report.notes.append(orphans_note(memory.path, orphans))
        finally:
            outputs.discard()
            cache.close()
            memory.close()
            progress.close()
    return report


def orphans_note(path: Path, count: int) -> str:
    """The build's one line about editors' corrections no source has any more."""
    corrections = "correction is" if count == 1 else "corrections are"
    return (
        f"{path}: {count} editors' {corrections} for sentences no source has any more "
        "(reworded or removed); `bilingual tm status` lists them with today's closest sentences"
    )
