"""Cost of the term-aware choice: the beam's 4 hypotheses against the best one, and the choice.

    python benchmarks/bench_term_choice.py [--repeat 7]

The Transformer-base-size package of ``bench_build.py`` (generated once in benchmarks/work/)
translates every segment the build would send it (the seed article plus benchmarks/articles/,
terms protected) through ``ArgosEngine``, once asking CTranslate2 for 1 hypothesis and once for
the beam's 4, in fresh processes, alternating so both see the same machine; medians are compared.
Wall time and the process's CPU time (all threads; steadier when other work shares the cores)
are both reported. Each run also times what the stage does with the output: restoring terms in
the best hypothesis (before), or the term-aware choice (now). The random model drops nearly
every term, so the choice walks all 4 hypotheses of almost every segment with terms: its worst
case. Target: the whole difference under 5% of translation time. The load average around the
runs is printed, as the machine (2 cores) is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_build import ARTICLES, REPO, WORK, install, machine, make_project

# The random-weight model builder is a test helper (tests/random_model.py).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

CHILD = "--child"


def child(hypotheses: int, project: Path) -> None:
    """One timed run, in this fresh process: load (untimed), translate, then the stage's work."""
    from argostranslate.package import get_installed_packages

    from bilingual.document.characters import has_chinese
    from bilingual.engines import argos as argos_engine
    from bilingual.engines.argos import ArgosEngine
    from bilingual.engines.config import resolve
    from bilingual.glossary.terms import protect, restore
    from bilingual.glossary.yaml_files import load_glossary
    from bilingual.project.build import prepare
    from bilingual.project.settings import Settings
    from bilingual.readers import read_source
    from bilingual.stages.translate import choose

    glossary = load_glossary(project / "glossary")
    segments = {}
    for path in sorted((project / "seeds").glob("*.txt")):
        for segment in prepare(read_source(path), glossary).segments:
            if has_chinese(segment.text):
                segments.setdefault(protect(segment), segment)
    package = next(p for p in get_installed_packages() if p.from_code == "zh")
    # The build's own engine settings; only the number of hypotheses asked for differs.
    argos_engine.SEARCH = {**argos_engine.SEARCH, "num_hypotheses": hypotheses}
    engine = ArgosEngine(package, resolve(Settings().speed))
    sources = list(segments)
    start, cpu = time.perf_counter(), time.process_time()
    beams = list(engine.translate(sources))
    translated, cpu = time.perf_counter() - start, time.process_time() - cpu
    start = time.perf_counter()
    if hypotheses == 1:  # what the stage did before: restore the best hypothesis's terms
        chosen = [
            (restore(b[0].strip(), segments[s].terms), 0)
            for s, b in zip(sources, beams, strict=True)
        ]
    else:
        chosen = [choose(b, segments[s].terms) for s, b in zip(sources, beams, strict=True)]
    stage = time.perf_counter() - start
    print(
        json.dumps(
            {
                "translate": translated,
                "cpu": cpu,
                "stage": stage,
                "segments": len(sources),
                "with_terms": sum(1 for s in sources if segments[s].terms),
                "lower_taken": sum(rank > 0 for _, rank in chosen),
            }
        )
    )


def run(hypotheses: int, project: Path, env: dict) -> dict:
    me = [sys.executable, str(Path(__file__).resolve()), CHILD, str(hypotheses), str(project)]
    done = subprocess.run(me, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="runs of each, alternating")
    args = parser.parse_args()
    from random_model import BASE, build_package, isolated_environment

    WORK.mkdir(parents=True, exist_ok=True)
    model_file = WORK / "base.argosmodel"
    if not model_file.exists():
        seed = (REPO / "seeds" / "zhou-hongyi-on-sora.txt").read_text(encoding="utf-8")
        build_package([seed], model_file, size=BASE)
    env = isolated_environment(WORK / "home", WORK / "packages")
    install(model_file, env)
    paths = [*sorted((REPO / "seeds").glob("*.txt")), *sorted(ARTICLES.glob("*.txt"))]
    project = make_project(
        WORK / "term-choice", {p.name: p.read_text(encoding="utf-8") for p in paths}
    )

    runs: dict[int, list[dict]] = {1: [], 4: []}
    loads = [os.getloadavg()[0]]
    for _ in range(args.repeat):
        for hypotheses in (1, 4):
            runs[hypotheses].append(run(hypotheses, project, env))
            loads.append(os.getloadavg()[0])

    def median(hypotheses: int, key: str) -> float:
        return statistics.median(r[key] for r in runs[hypotheses])

    best, beam = median(1, "translate"), median(4, "translate")
    best_cpu, beam_cpu = median(1, "cpu"), median(4, "cpu")
    restore_only, choice = median(1, "stage"), median(4, "stage")
    extra = (beam + choice) - (best + restore_only)
    extra_cpu = (beam_cpu + choice) - (best_cpu + restore_only)
    spread = {h: [round(r["translate"], 2) for r in runs[h]] for h in runs}
    info = runs[4][0]
    lines = [
        f"- Machine: {machine()}",
        f"- Load average (1 min) during the runs: {min(loads):.2f} to {max(loads):.2f}",
        f"- Corpus: {len(paths)} articles, {info['segments']} segments to translate, "
        f"{info['with_terms']} with glossary terms; {info['lower_taken']} took a lower "
        "hypothesis (random weights)",
        "",
        f"Median of {args.repeat} alternating runs, each in a fresh process (model load "
        "not timed):",
        "",
        "| | best hypothesis only | the beam's 4 + term-aware choice |",
        "| --- | ---: | ---: |",
        f"| translate, wall (s) | {best:.3f} | {beam:.3f} |",
        f"| translate, CPU of all threads (s) | {best_cpu:.3f} | {beam_cpu:.3f} |",
        f"| restore / choose (s) | {restore_only:.4f} | {choice:.4f} |",
        "",
        f"Every run's translate seconds: 1 hypothesis {spread[1]}; 4 hypotheses {spread[4]}.",
        "",
        "| target: the choice costs < 5% of translation time | measured | met |",
        "| --- | ---: | :---: |",
        f"| wall time | {100 * extra / best:+.1f}% ({extra:+.3f} s) | "
        f"{'yes' if extra < 0.05 * best else 'NO'} |",
        f"| CPU time | {100 * extra_cpu / best_cpu:+.1f}% ({extra_cpu:+.3f} s) | "
        f"{'yes' if extra_cpu < 0.05 * best_cpu else 'NO'} |",
    ]
    text = "\n".join(lines) + "\n"
    (WORK / "term-choice-results.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == CHILD:
        child(int(sys.argv[2]), Path(sys.argv[3]))
    else:
        main()
