"""Speed of `bilingual build` against CTranslate2 and Argos baselines, on the same segments.

    python benchmarks/bench_build.py                       # everything (about 10 minutes)
    python benchmarks/bench_build.py --skip-per-sentence   # without the slowest baseline

It generates a Transformer-base-size Argos package (6+6 layers, width 512, FFN 2048, 8 heads,
32,000-token vocabulary, int8, ~87 MB; random weights calibrated so sentences end near a real
model's lengths), installs it in benchmarks/work/, and builds the seed article plus
benchmarks/articles/*. Every run is a fresh process, timed from start to exit, so the build pays
for its imports and model load just as the baselines pay for theirs:

- one batch: one `Translator.translate_batch` over all segments (beam 4, length penalty 0.2),
  model load included; the build's target is at most 1.15x this;
- Argos: Argos's own path, `apply_packaged_translation` paragraph by paragraph with Argos's
  default settings (its sentencizer replaced by ours, so the segments are the same; Argos's
  would download a model); the build's target is at most a third of this;
- per sentence: one `translate_batch` call per segment;
- the no-change rebuild (target: under 1 s) and `bilingual --help` (under 0.5 s);
- peak memory of the build, and of builds of 10 and 1,000 articles with a small model: memory
  must be set by the model, not by the corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "benchmarks" / "work"
ARTICLES = REPO / "benchmarks" / "articles"
CHILD = "--child"


# --- what the children run ---------------------------------------------------------------------


def _segments(project: Path) -> list[list[str]]:
    """Per paragraph, the exact texts the build sends to the model (protected, Chinese only)."""
    from bilingual.glossary import protect
    from bilingual.glossary_file import load_glossary
    from bilingual.pipeline import prepare
    from bilingual.readers import read_source
    from bilingual.translate import has_chinese

    glossary = load_glossary(project / "glossary")
    paragraphs = []
    for path in sorted((project / "seeds").glob("*.txt")):
        document = prepare(read_source(path), glossary)
        for paragraph in document.paragraphs:
            texts = [protect(s) for s in paragraph.segments if has_chinese(s.text)]
            if texts:
                paragraphs.append(texts)
    return paragraphs


def child(kind: str, project: Path) -> None:
    """One baseline, in this (fresh) process."""
    paragraphs = _segments(project)
    unique = list(dict.fromkeys(t for p in paragraphs for t in p))
    from argostranslate.package import get_installed_packages

    package = next(p for p in get_installed_packages() if p.from_code == "zh")
    model = str(package.package_path / "model")
    decoding = {"beam_size": 4, "length_penalty": 0.2, "replace_unknowns": True}
    import ctranslate2

    if kind == "one-batch":
        translator = ctranslate2.Translator(model, intra_threads=os.cpu_count())
        tokens = [package.tokenizer.encode(t) for t in unique]
        results = translator.translate_batch(tokens, **decoding)
        [package.tokenizer.decode(r.hypotheses[0]) for r in results]
    elif kind == "per-sentence":
        translator = ctranslate2.Translator(model, intra_threads=os.cpu_count())
        for text in unique:
            result = translator.translate_batch([package.tokenizer.encode(text)], **decoding)
            package.tokenizer.decode(result[0].hypotheses[0])
    elif kind == "argos":
        from argostranslate import settings
        from argostranslate.translate import apply_packaged_translation

        class SameSegments:  # Argos's MiniSBD would download its model: use our segments
            def __init__(self):
                self.by_text = {" ".join(p): p for p in paragraphs}

            def split_sentences(self, text: str) -> list[str]:
                return self.by_text[text]

        translator = ctranslate2.Translator(  # as argostranslate.translate.PackageTranslation
            model,
            device=settings.device,
            inter_threads=settings.inter_threads,
            intra_threads=settings.intra_threads,
        )
        sentencizer = SameSegments()
        for paragraph in paragraphs:
            apply_packaged_translation(package, " ".join(paragraph), translator, sentencizer, 1)
    print(json.dumps({"segments": len(unique)}))


# --- the parent --------------------------------------------------------------------------------


def timed(command: list[str], cwd: Path, env: dict) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (MB) and stdout of one fresh process, measured by a wrapper."""
    wrapper = (
        "import json, resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "wall = time.perf_counter() - start\n"
        "if done.returncode: sys.exit(done.stderr)\n"
        "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024\n"
        "print(json.dumps({'wall': wall, 'rss': rss, 'out': done.stdout}))\n"
    )
    done = subprocess.run([sys.executable, "-c", wrapper, *command], cwd=cwd, env=env,
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr}")
    data = json.loads(done.stdout)
    return data["wall"], data["rss"], data["out"]


def bilingual(*args: str) -> list[str]:
    return [sys.executable, "-m", "bilingual", *args]


def make_project(root: Path, sources: dict[str, str]) -> Path:
    shutil.rmtree(root, ignore_errors=True)
    (root / "seeds").mkdir(parents=True)
    shutil.copytree(REPO / "glossary", root / "glossary")
    for name, text in sources.items():
        (root / "seeds" / name).write_text(text, encoding="utf-8")
    return root


def install(model_file: Path, env: dict) -> None:
    subprocess.run(bilingual("models", "install", "--file", str(model_file)), env=env, check=True,
                   capture_output=True)  # fmt: skip


def memory_scaling(counts: list[int]) -> list[tuple[int, int, int, float]]:
    """Peak RSS of cold builds of N short articles with a small model: (N, segments, MB, s)."""
    from bilingual.random_model import TINY, build_package, isolated_environment

    seed = (REPO / "seeds" / "zhou-hongyi-on-sora.txt").read_text(encoding="utf-8")
    lines = [line for line in seed.splitlines() if line.strip()][1:4]
    model_file = WORK / "tiny.argosmodel"
    if not model_file.exists():
        build_package([seed], model_file, size=replace(TINY, eos_bias=3.0))
    env = isolated_environment(WORK / "home-tiny", WORK / "packages-tiny")
    install(model_file, env)
    rows = []
    for count in counts:
        sources = {f"a{n:04d}.txt": "\n".join(f"{line}(第{n}篇)" for line in lines)
                   for n in range(count)}  # fmt: skip
        root = make_project(WORK / f"memory-{count}", sources)
        wall, rss, out = timed(bilingual("build", "--json"), root, env)
        segments = sum(d["segments"] for d in json.loads(out)["documents"].values())
        rows.append((count, segments, rss, wall))
    return rows


def machine() -> str:
    import ctranslate2

    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    names = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
    cpu = names[0] if names else platform.processor()
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"CTranslate2 {ctranslate2.__version__}, {platform.system()} {platform.machine()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-per-sentence", action="store_true")
    parser.add_argument("--memory-articles", type=int, default=1000)
    parser.add_argument("--fresh", action="store_true", help="regenerate the model")
    parser.add_argument("--repeat", type=int, default=3, help="cold builds and one-batch runs")
    args = parser.parse_args()
    from bilingual.random_model import BASE, build_package, isolated_environment

    WORK.mkdir(parents=True, exist_ok=True)
    model_file = WORK / "base.argosmodel"
    if args.fresh or not model_file.exists():
        seed = (REPO / "seeds" / "zhou-hongyi-on-sora.txt").read_text(encoding="utf-8")
        build_package([seed], model_file, size=BASE)
    env = isolated_environment(WORK / "home", WORK / "packages")
    install(model_file, env)
    paths = [*sorted((REPO / "seeds").glob("*.txt")), *sorted(ARTICLES.glob("*.txt"))]
    sources = {p.name: p.read_text(encoding="utf-8") for p in paths}
    project = make_project(WORK / "project", sources)
    me = [sys.executable, str(Path(__file__).resolve()), CHILD]

    results: dict[str, tuple[float, int]] = {}
    builds, batches = [], []
    for _ in range(args.repeat):  # alternate, so both see the same machine; compare medians
        shutil.rmtree(project / ".bilingual", ignore_errors=True)
        shutil.rmtree(project / "dist", ignore_errors=True)
        wall, rss, out = timed(bilingual("build", "--json"), project, env)
        builds.append((wall, rss))
        wall, rss, batch_out = timed([*me, "one-batch", str(project)], project, env)
        batches.append((wall, rss))
    report = json.loads(out)
    translated = sum(d["translated"] for d in report["documents"].values())
    segments = json.loads(batch_out)["segments"]
    build_wall = statistics.median(w for w, _ in builds)
    results["bilingual build (cold)"] = (build_wall, max(r for _, r in builds))
    results["one translate_batch"] = (statistics.median(w for w, _ in batches),
                                      max(r for _, r in batches))  # fmt: skip
    wall, rss, _ = timed([*me, "argos", str(project)], project, env)
    results["Argos's own path"] = (wall, rss)
    if not args.skip_per_sentence:
        wall, rss, _ = timed([*me, "per-sentence", str(project)], project, env)
        results["one call per sentence"] = (wall, rss)
    results["bilingual build (no change)"] = timed(bilingual("build", "--json"), project, env)[:2]
    results["bilingual --help"] = timed(bilingual("--help"), project, env)[:2]
    scaling = memory_scaling([10, args.memory_articles // 3, args.memory_articles])

    one, argos = results["one translate_batch"][0], results["Argos's own path"][0]
    lines = [
        f"- Machine: {machine()}",
        f"- Corpus: {len(sources)} articles, {segments} segments to translate "
        f"(the build translated {translated}); model: Transformer-base size, int8, "
        f"{model_file.stat().st_size / 1e6:.0f} MB.",
        "",
        f"Cold build and one translate_batch: median of {args.repeat} alternating runs.",
        "",
        "| run | seconds | peak RSS (MB) |",
        "| --- | ---: | ---: |",
        *(f"| {name} | {wall:.2f} | {rss} |" for name, (wall, rss) in results.items()),
        "",
        "| target | measured | met |",
        "| --- | ---: | :---: |",
        f"| cold build <= 1.15x one translate_batch | {build_wall / one:.2f}x | "
        f"{'yes' if build_wall <= 1.15 * one else 'NO'} |",
        f"| cold build <= 1/3 of Argos's own path | {build_wall / argos:.2f}x | "
        f"{'yes' if build_wall <= argos / 3 else 'NO'} |",
        f"| no-change rebuild < 1 s | {results['bilingual build (no change)'][0]:.2f} s | "
        f"{'yes' if results['bilingual build (no change)'][0] < 1 else 'NO'} |",
        f"| bilingual --help < 0.5 s | {results['bilingual --help'][0]:.2f} s | "
        f"{'yes' if results['bilingual --help'][0] < 0.5 else 'NO'} |",
        "",
        "Memory against corpus size (small random model, cold builds):",
        "",
        "| articles | segments | peak RSS (MB) | seconds |",
        "| ---: | ---: | ---: | ---: |",
        *(f"| {n} | {s} | {rss} | {wall:.1f} |" for n, s, rss, wall in scaling),
    ]
    text = "\n".join(lines) + "\n"
    (WORK / "results.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == CHILD:
        child(sys.argv[2], Path(sys.argv[3]))
    else:
        main()
