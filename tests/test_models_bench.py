"""`bilingual models bench` on the test package: the sweep, the table, and --save."""

from __future__ import annotations

import json

from bilingual.project.settings import load_settings

CONFIG = """# Our newsroom's settings.
seeds = "seeds"  # the articles

batch_size = 16  # replaced by the measurement

[ray]
threads = 1  # kept as it is
"""


def test_bench_measures_every_configuration_and_saves_the_fastest_keeping_comments(project):
    config = project.root / "bilingual.toml"
    config.write_text(CONFIG, encoding="utf-8")
    result = project.run(
        "models", "bench", "--segments", "12", "--layouts", "1x1,2x1",
        "--batches", "examples:4,tokens:256", "--save",
    )  # fmt: skip
    assert result.code == 0, result.err
    rows = [line for line in result.out.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows[0].startswith("| workers | threads | batch | seconds |")
    assert len(rows) == 1 + 4  # two layouts x two batch shapes
    assert sum("(fastest)" in row for row in rows) == 1
    fastest = rows[1].split("|")
    workers, threads, batch = (cell.strip() for cell in fastest[1:4])
    text = config.read_text(encoding="utf-8")
    for comment in ("# Our newsroom's settings.", "# the articles", "# kept as it is"):
        assert comment in text
    saved = load_settings(config, {})
    size, kind = batch.replace(" (fastest)", "").split()
    assert (saved.workers, saved.threads) == (int(workers), int(threads))
    assert (saved.batch_size, saved.batch_type) == (int(size), kind)
    assert saved.ray.threads == 1 and f"saved to {config.name}" in result.out
    assert project.run("build").code == 0  # the saved settings build


def test_bench_json_and_without_save_leaves_the_config_alone(project):
    result = project.run("models", "bench", "--segments", "6", "--layouts", "1x1",
                         "--batches", "examples:2", "--json")  # fmt: skip
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert report["device"] == "cpu" and len(report["trials"]) == 1
    assert report["trials"][0]["segments"] == 6 and report["saved"] is None
    assert not (project.root / "bilingual.toml").exists()


def test_bench_without_a_model_is_one_line(bare_project):
    result = bare_project.run("models", "bench")
    assert result.code == 3 and "no zh->en model installed" in result.err
    assert "Traceback" not in result.err


def test_bench_refuses_layouts_beyond_the_machine(project):
    absurd = project.run("models", "bench", "--layouts", "100000x1")
    assert absurd.code == 2 and "is more than" in absurd.err and "Traceback" not in absurd.err
