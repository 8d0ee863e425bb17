"""Speed of `bilingual build` against the fastest raw CTranslate2 configuration on the same
segments, and what the figures mean for scaling.

    python benchmarks/bench_build.py                  # everything (about 15 minutes)
    python benchmarks/bench_build.py --skip-slow      # without Argos's path and per-sentence
    python benchmarks/bench_build.py --quick          # smoke run on a tiny model (a test runs it)

It generates a Transformer-base-size Argos package (6+6 layers, width 512, FFN 2048, 8 heads,
32,000-token vocabulary, int8, ~87 MB; random weights calibrated so sentences end near a real
model's lengths), installs it in benchmarks/work/, and builds the seed article plus
benchmarks/articles/*. Then:

1. The sweep: raw CTranslate2 over the same segments (the texts the build sends to the model),
   one `translate_batch` call per configuration, for every workers x threads layout
   (`inter_threads` x `intra_threads`) and batch shape (examples or tokens, several sizes).
   The model is loaded once per layout and each configuration is timed without the load.
2. The fastest configuration is the baseline: run in fresh processes, model load included,
   alternating with cold builds (default settings) so both see the same machine; medians.
   Target: cold build <= 1.10x the baseline.
3. Argos's own path (`apply_packaged_translation` paragraph by paragraph, its default settings,
   our segments) and one call per sentence, for reference.
4. The no-change rebuild (< 1 s) and `bilingual --help` (< 0.5 s).
5. Ctrl-C in the middle of a batch: seconds from the signal to the exit (< 2 s), with a model
   whose sentences run to CTranslate2's length limit (batches of seconds): in process at the
   default settings and at every configuration of the sweep, and on a local Ray cluster at its
   defaults when the ray extra is installed.
6. Memory and the driver's cost against corpus size: cold builds of N short articles with a
   small model, then the same build with every translation cached and dist/ removed (what the
   driver does per segment: planning, cache, Traditional, QA, writing).

It prints the README's tables, ready to paste (also saved to benchmarks/work/results.md).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

# The random-weight model builder is a test helper (tests/random_model.py).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "benchmarks" / "work"
ARTICLES = REPO / "benchmarks" / "articles"
CHILD = "--child"
DECODING = {"beam_size": 4, "length_penalty": 0.2, "replace_unknowns": True}
BATCHES = [("examples", 8), ("examples", 16), ("examples", 32), ("examples", 64),
           ("tokens", 512), ("tokens", 1024), ("tokens", 2048), ("tokens", 4096)]  # fmt: skip
QUICK_BATCHES = [("examples", 16), ("tokens", 1024)]


# --- what the children run ---------------------------------------------------------------------


def _segments(project: Path) -> list[list[str]]:
    """Per paragraph, the exact texts the build sends to the model (protected, Chinese only)."""
    from bilingual.document.characters import has_chinese
    from bilingual.glossary.terms import protect
    from bilingual.glossary.yaml_files import load_glossary
    from bilingual.project.build import prepare
    from bilingual.readers import read_source

    glossary = load_glossary(project / "glossary")
    paragraphs = []
    for path in sorted((project / "seeds").glob("*.txt")):
        document = prepare(read_source(path), glossary)
        for paragraph in document.paragraphs:
            texts = [protect(s) for s in paragraph.segments if has_chinese(s.text)]
            if texts:
                paragraphs.append(texts)
    return paragraphs


def _package():
    from argostranslate.package import get_installed_packages

    return next(p for p in get_installed_packages() if p.from_code == "zh")


def child(kind: str, project: Path, spec: str) -> None:
    """One baseline, in this (fresh) process; prints JSON."""
    paragraphs = _segments(project)
    unique = list(dict.fromkeys(t for p in paragraphs for t in p))
    package = _package()
    model = str(package.package_path / "model")
    import ctranslate2

    if kind == "sweep":  # spec: "WORKERSxTHREADS"; every batch shape, model loaded once
        workers, threads = (int(n) for n in spec.split("x"))
        batches = [tuple(b) for b in json.loads(os.environ["BENCH_BATCHES"])]
        translator = ctranslate2.Translator(model, inter_threads=workers, intra_threads=threads)
        tokens = [package.tokenizer.encode(t) for t in unique]
        translator.translate_batch(tokens[: workers * 2], **DECODING)  # warm up
        times = {}
        for batch_type, size in batches:
            start = time.perf_counter()
            translator.translate_batch(
                tokens, max_batch_size=size, batch_type=batch_type, **DECODING
            )
            times[f"{batch_type}:{size}"] = time.perf_counter() - start
        print(json.dumps({"segments": len(unique), "tokens": sum(map(len, tokens)),
                          "seconds": times}))  # fmt: skip
        return
    if kind == "raw":  # spec: "WORKERSxTHREADS:TYPE:SIZE", model load included
        layout, batch_type, size = spec.split(":")
        workers, threads = (int(n) for n in layout.split("x"))
        translator = ctranslate2.Translator(model, inter_threads=workers, intra_threads=threads)
        tokens = [package.tokenizer.encode(t) for t in unique]
        results = translator.translate_batch(
            tokens, max_batch_size=int(size), batch_type=batch_type, **DECODING
        )
        [package.tokenizer.decode(r.hypotheses[0]) for r in results]
    elif kind == "per-sentence":
        translator = ctranslate2.Translator(model, intra_threads=os.cpu_count())
        for text in unique:
            result = translator.translate_batch([package.tokenizer.encode(text)], **DECODING)
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


def cold(project: Path) -> None:
    shutil.rmtree(project / ".bilingual", ignore_errors=True)
    shutil.rmtree(project / "dist", ignore_errors=True)


def cores() -> int:
    return len(os.sched_getaffinity(0))


def layouts(quick: bool) -> list[tuple[int, int]]:
    n = cores()
    every = [(w, n // w) for w in range(1, n + 1) if n % w == 0]
    return every[-1:] if quick else every


def sweep(project: Path, env: dict, me: list[str], quick: bool) -> tuple[list, dict]:
    """Raw CTranslate2, every layout x batch shape: [(layout, batch, seconds)], and sizes."""
    batches = QUICK_BATCHES if quick else BATCHES
    env = {**env, "BENCH_BATCHES": json.dumps(batches)}
    rows, sizes = [], {}
    for workers, threads in layouts(quick):
        _, _, out = timed([*me, "sweep", str(project), f"{workers}x{threads}"], project, env)
        data = json.loads(out)
        sizes = {"segments": data["segments"], "tokens": data["tokens"]}
        for batch, seconds in data["seconds"].items():
            rows.append((f"{workers}x{threads}", batch, seconds))
    return sorted(rows, key=lambda row: row[2]), sizes


def slow_model_env(quick: bool) -> tuple[dict, Path]:
    """Packages with a model whose sentences run to the length limit: long batches."""
    from random_model import TINY, build_package, isolated_environment

    seed = (REPO / "seeds" / "zhou-hongyi-on-sora.txt").read_text(encoding="utf-8")
    model_file = WORK / "slow.argosmodel"
    if not model_file.exists():
        build_package([seed], model_file, size=replace(TINY, eos_bias=-30.0))
    env = isolated_environment(WORK / "home-slow", WORK / "packages-slow")
    env["RAY_USAGE_STATS_ENABLED"] = "0"
    install(model_file, env)
    lines = [line for line in seed.splitlines() if line.strip()]
    sources = {f"a{n}.txt": "\n".join(f"{line}(第{n}篇)" for line in lines) for n in range(8)}
    return env, make_project(WORK / "interrupt", sources)


def _cached(project: Path) -> int:
    import sqlite3

    try:
        with sqlite3.connect(project / ".bilingual" / "cache.sqlite", timeout=5) as db:
            return db.execute("SELECT count(*) FROM translations").fetchone()[0]
    except sqlite3.Error:
        return 0


def interrupt_seconds(project: Path, env: dict, extra: list[str]) -> float:
    """Seconds from SIGINT, sent while batches are being translated (the first ones are
    cached, the next are in CTranslate2's hands), to the process's exit (code 130)."""
    cold(project)
    proc = subprocess.Popen(
        bilingual("build", *extra),
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    while _cached(project) == 0 and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(0.3)
    if proc.poll() is not None:
        sys.exit(f"the build ended before the interrupt: {proc.communicate()[1]}")
    sent = time.perf_counter()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate()
    seconds = time.perf_counter() - sent
    if proc.returncode != 130 or "Traceback" in err:
        sys.exit(f"interrupt: exit {proc.returncode}\n{err}")
    return seconds


def interrupts(quick: bool, repeat: int) -> tuple[list[tuple[str, float]], list]:
    """Ctrl-C latency: at the default settings (median of ``repeat``), at each configuration of
    the sweep (``bilingual models bench``'s layouts x batch shapes), and on a local Ray
    cluster at its defaults. Returns the summary rows and the per-configuration ones."""
    env, project = slow_model_env(quick)
    rows = [("in process, default settings (mid-batch, batches of seconds)",
             statistics.median(interrupt_seconds(project, env, [])
                               for _ in range(repeat)))]  # fmt: skip
    configurations = [
        (workers, threads, kind, size)
        for workers, threads in layouts(quick)
        for kind, size in (QUICK_BATCHES if quick else BATCHES)
    ]
    each = []
    for workers, threads, kind, size in configurations:
        flags = ["--workers", str(workers), "--threads", str(threads), "--batch-type", kind,
                 "--batch-size", str(size)]  # fmt: skip
        each.append((f"{workers}x{threads} {kind} {size}", interrupt_seconds(project, env, flags)))
    rows.append((f"in process, worst of the sweep's {len(each)} configurations",
                 max(seconds for _, seconds in each)))  # fmt: skip
    try:
        import ray  # noqa: F401
    except ImportError:
        return rows, each
    if quick:
        return rows, each
    rows.append(("local Ray cluster, default settings (the cluster stopped before exit)",
                 statistics.median(interrupt_seconds(project, env, ["--ray-address", "local"])
                                   for _ in range(repeat))))  # fmt: skip
    return rows, each


def scaling(counts: list[int]) -> list[tuple[int, int, int, float, float]]:
    """Cold builds of N short articles with a small model: (N, segments, MB, s, driver s),
    where "driver s" is the same build with every translation cached and dist/ removed."""
    from random_model import TINY, build_package, isolated_environment

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
        shutil.rmtree(root / "dist")
        driver, _, _ = timed(bilingual("build", "--json"), root, env)
        rows.append((count, segments, rss, wall, driver))
    return rows


def machine() -> str:
    import ctranslate2

    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    names = [line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name")]
    cpu = names[0] if names else platform.processor()
    return (
        f"{cpu}, {cores()} cores, Python {platform.python_version()}, "
        f"CTranslate2 {ctranslate2.__version__}, {platform.system()} {platform.machine()}"
    )


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (1 min), {five:.1f} (5 min)"


def main() -> None:
    global WORK
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny model, few configurations")
    parser.add_argument("--skip-slow", action="store_true", help="no Argos / per-sentence runs")
    parser.add_argument("--memory-articles", type=int, default=1000)
    parser.add_argument("--fresh", action="store_true", help="regenerate the model")
    parser.add_argument("--repeat", type=int, default=3, help="alternating runs per median")
    parser.add_argument("--work", type=Path, default=WORK, help="where models and projects go")
    args = parser.parse_args()
    WORK = args.work.resolve()
    from random_model import BASE, TINY, build_package, isolated_environment

    WORK.mkdir(parents=True, exist_ok=True)
    size, name = (TINY, "tiny") if args.quick else (BASE, "base")
    model_file = WORK / f"{name}-bench.argosmodel"
    if args.fresh or not model_file.exists():
        seed = (REPO / "seeds" / "zhou-hongyi-on-sora.txt").read_text(encoding="utf-8")
        build_package([seed], model_file, size=size)
    env = isolated_environment(WORK / f"home-bench-{name}", WORK / f"packages-bench-{name}")
    install(model_file, env)
    paths = [*sorted((REPO / "seeds").glob("*.txt")), *sorted(ARTICLES.glob("*.txt"))]
    sources = {p.name: p.read_text(encoding="utf-8") for p in paths}
    project = make_project(WORK / "project", sources)
    me = [sys.executable, str(Path(__file__).resolve()), CHILD]
    repeat = 1 if args.quick else args.repeat
    load_before = load_average()

    matrix, sizes = sweep(project, env, me, args.quick)
    best_layout, best_batch, _ = matrix[0]
    baseline = [*me, "raw", str(project), f"{best_layout}:{best_batch}"]
    workers, threads = best_layout.split("x")
    batch_type, batch_size = best_batch.split(":")
    tuned = ["--workers", workers, "--threads", threads, "--batch-type", batch_type,
             "--batch-size", batch_size]  # fmt: skip
    runs: dict[str, list[tuple[float, int]]] = {"default": [], "tuned": [], "raw": []}
    loads = []
    for _ in range(repeat):  # alternate, so all see the same machine; compare medians
        loads.append(os.getloadavg()[0])
        cold(project)
        wall, rss, out = timed(bilingual("build", "--json"), project, env)
        runs["default"].append((wall, rss))
        cold(project)
        runs["tuned"].append(timed(bilingual("build", "--json", *tuned), project, env)[:2])
        runs["raw"].append(timed(baseline, project, env)[:2])
    report = json.loads(out)
    translated = sum(d["translated"] for d in report["documents"].values())
    median = {name: statistics.median(w for w, _ in walls) for name, walls in runs.items()}
    peak = {name: max(r for _, r in walls) for name, walls in runs.items()}
    build_wall, raw_wall = median["tuned"], median["raw"]
    results = {
        f"bilingual build (cold, the fastest configuration: {' '.join(tuned)})": (
            build_wall, peak["tuned"]),
        "bilingual build (cold, default settings)": (median["default"], peak["default"]),
        f"fastest raw CTranslate2 ({best_layout}, {best_batch})": (raw_wall, peak["raw"]),
    }  # fmt: skip
    argos = None
    if not (args.skip_slow or args.quick):
        argos = timed([*me, "argos", str(project), "-"], project, env)[:2]
        results["Argos's own path"] = argos
        results["one call per sentence"] = timed([*me, "per-sentence", str(project), "-"],
                                                 project, env)[:2]  # fmt: skip
    results["bilingual build (no change)"] = timed(bilingual("build", "--json"), project, env)[:2]
    results["bilingual --help"] = timed(bilingual("--help"), project, env)[:2]
    stops, stop_each = interrupts(args.quick, repeat)
    counts = [10, 20] if args.quick else [10, args.memory_articles // 3, args.memory_articles]
    memory = scaling(counts)
    load_after = load_average()

    fastest_translation = matrix[0][2]
    per_second = sizes["segments"] / fastest_translation
    per_core = per_second / cores()
    big = memory[-1]
    driver_per_segment = big[4] / big[1]
    nochange = results["bilingual build (no change)"][0]
    lines = [
        f"- Machine: {machine()}; load average {load_before} before, {load_after} after.",
        f"- Corpus: {len(sources)} articles, {sizes['segments']} segments to translate "
        f"({sizes['tokens']} tokens; the build translated {translated}); model: "
        f"{'Transformer-base size' if not args.quick else 'tiny (smoke run)'}, int8, "
        f"{model_file.stat().st_size / 1e6:.0f} MB.",
        "",
        "The sweep: raw CTranslate2, one `translate_batch` over the segments per configuration, "
        "model loaded once per layout (workers x threads = `inter_threads` x `intra_threads`).",
        "",
        "| workers x threads | batch | seconds | segments/s |",
        "| --- | --- | ---: | ---: |",
        *(
            f"| {layout} | {batch.replace(':', ' ')} | {seconds:.2f} | "
            f"{sizes['segments'] / seconds:.1f} |"
            for layout, batch, seconds in matrix
        ),  # fmt: skip
        "",
        f"Cold builds against the fastest configuration, model load included: median of "
        f"{repeat} alternating runs, fresh processes (1-minute load average at their starts: "
        f"{', '.join(f'{load:.1f}' for load in loads)}).",
        "",
        "| run | seconds | peak RSS (MB) |",
        "| --- | ---: | ---: |",
        *(f"| {name} | {wall:.2f} | {rss} |" for name, (wall, rss) in results.items()),
        "",
        "| target | measured | met |",
        "| --- | ---: | :---: |",
        f"| cold build <= 1.10x the fastest raw configuration (same configuration) | "
        f"{build_wall / raw_wall:.2f}x | {'yes' if build_wall <= 1.10 * raw_wall else 'NO'} |",
        f"| the same with the default settings | {median['default'] / raw_wall:.2f}x | "
        f"{'yes' if median['default'] <= 1.10 * raw_wall else 'NO'} |",
    ]
    if argos:
        lines.append(f"| cold build <= 1/3 of Argos's own path | {build_wall / argos[0]:.2f}x | "
                     f"{'yes' if build_wall <= argos[0] / 3 else 'NO'} |")  # fmt: skip
    help_wall = results["bilingual --help"][0]
    lines += [
        f"| no-change rebuild < 1 s | {nochange:.2f} s | {'yes' if nochange < 1 else 'NO'} |",
        f"| bilingual --help < 0.5 s | {help_wall:.2f} s | {'yes' if help_wall < 0.5 else 'NO'} |",
        *(
            f"| Ctrl-C answered < 2 s: {what} | {s:.2f} s | {'yes' if s < 2 else 'NO'} |"
            for what, s in stops
        ),  # fmt: skip
        "",
        "Ctrl-C at each configuration of the sweep (seconds from SIGINT to the exit, sent while "
        "batches of seconds are being translated; a model whose sentences run to CTranslate2's "
        "length limit):",
        "",
        "| configuration | seconds |",
        "| --- | ---: |",
        *(f"| {name} | {seconds:.2f} |" for name, seconds in stop_each),
        "",
        "Memory and the driver's cost against corpus size (small random model): a cold build, "
        "then the same build with every translation cached and dist/ removed (the driver's "
        "own work: planning, cache, Traditional, QA, writing).",
        "",
        "| articles | segments | peak RSS (MB) | cold build (s) | driver only (s) | "
        "driver ms/segment |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
        *(
            f"| {n} | {s} | {rss} | {wall:.1f} | {driver:.1f} | {1000 * driver / s:.2f} |"
            for n, s, rss, wall, driver in memory
        ),  # fmt: skip
        "",
        f"Throughput: {per_second:.1f} segments/s on {cores()} cores with the fastest "
        f"configuration, {per_core:.2f} segments/s per core; the driver needs "
        f"{1000 * driver_per_segment:.1f} ms a segment, so one driver keeps up with about "
        f"{1 / driver_per_segment / per_core:.1f} cores' worth of translators.",
    ]
    text = "\n".join(lines) + "\n"
    (WORK / "results.md").write_text(text, encoding="utf-8")
    (WORK / "results.json").write_text(json.dumps({
        "segments_per_second": per_second, "per_core": per_core,
        "driver_seconds_per_segment": driver_per_segment, "build": build_wall, "raw": raw_wall,
        "default_build": median["default"], "loads": loads,
        "matrix": matrix, "interrupts": stops, "interrupts_each": stop_each,
        "memory": memory}, indent=2))  # fmt: skip
    print(text)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == CHILD:
        child(sys.argv[2], Path(sys.argv[3]), sys.argv[4])
    else:
        main()
