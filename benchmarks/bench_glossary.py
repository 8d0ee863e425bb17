"""Does a 10,000-entry glossary slow a build? Times with the shipped glossary and with 10,000 more.

    python benchmarks/bench_glossary.py

Builds the seed article with a small random model (translation is cached after the first build,
so what is left is reading, matching, converting, checking and writing), then times, in fresh
processes: `bilingual glossary check`, `bilingual segment --glossary`, and a no-change rebuild,
once with the shipped glossary and once with 10,000 generated entries added (terms, Traditional
forms, variants and notes, as an editor's YAML would have them).
"""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import REPO, WORK, bilingual, install  # noqa: E402

# The random-weight model builder is a test helper (tests/random_model.py).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

ENTRIES = 10_000


def big_glossary(path: Path, count: int) -> None:
    rng = random.Random(7)
    common = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坐集编宝谈府拉黑且随格尽剑讲布杀微怕母调局根曾准团段终乐切级克精哪官示冷域读"  # noqa: E501
    lines = ["terms:"]
    for n in range(count):
        zh = "".join(rng.choice(common) for _ in range(rng.randint(3, 6))) + f"{n}号"
        lines += [f"  - zh: {zh}", f"    en: generated term {n}", f"    zh_hant: {zh}"]
        if n % 5 == 0:
            lines.append(f"    variants: [{zh}型, {zh}款]")
        if n % 3 == 0:
            lines.append(f"    note: entry {n} for the benchmark")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def wall(command: list[str], cwd: Path, env: dict, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, env=env, check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    from random_model import build_package, isolated_environment

    seed = REPO / "seeds" / "zhou-hongyi-on-sora.txt"
    WORK.mkdir(parents=True, exist_ok=True)
    model_file = WORK / "tiny-glossary.argosmodel"
    if not model_file.exists():
        build_package([seed.read_text(encoding="utf-8")], model_file)
    env = isolated_environment(WORK / "home-glossary", WORK / "packages-glossary")
    install(model_file, env)
    project = WORK / "glossary-project"
    shutil.rmtree(project, ignore_errors=True)
    (project / "seeds").mkdir(parents=True)
    shutil.copy(seed, project / "seeds")
    shutil.copytree(REPO / "glossary", project / "glossary")
    subprocess.run(bilingual("build"), cwd=project, env=env, check=True, capture_output=True)

    rows = []
    for label in ("shipped glossary", f"+ {ENTRIES:,} entries"):
        if label.startswith("+"):
            big_glossary(project / "glossary" / "generated.yaml", ENTRIES)
            subprocess.run(
                bilingual("build"), cwd=project, env=env, check=True, capture_output=True
            )
        rows.append((
            label,
            wall(bilingual("glossary", "check"), project, env),
            wall(bilingual("segment", f"seeds/{seed.name}", "--glossary", "glossary", "--json"),
                 project, env),  # fmt: skip
            wall(bilingual("build"), project, env),
        ))  # fmt: skip
    print("Best of 3, fresh processes (seconds):\n")
    print("| glossary | glossary check | segment --json | no-change rebuild |")
    print("| --- | ---: | ---: | ---: |")
    for label, check, segment, build in rows:
        print(f"| {label} | {check:.2f} | {segment:.2f} | {build:.2f} |")


if __name__ == "__main__":
    main()
