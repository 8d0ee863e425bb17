"""Engine settings: flags, bilingual.toml and Argos's variables, checked against the machine
before anything is translated; the cache key records what changes the numbers."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from bilingual.document import ModelInfo
from bilingual.engines import recipe
from bilingual.engines.argos import DECODING
from bilingual.engines.config import cores, resolve
from bilingual.glossary.terms import Glossary, Term
from bilingual.project.settings import load_settings
from bilingual.stages.translate import cache_key
from test_translate_stage import NO_MODEL_INFO, doc


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


@pytest.mark.parametrize(
    ("flags", "code", "says"),
    [
        (["--threads", "100000"], 2, "threads 100000 is more than this machine can use"),
        (["--workers", "100000"], 2, "workers x threads = 100000 is more than"),
        (["--workers", "-1"], 2, "workers must be 0 (measured default) or more"),
        (["--batch-size", "100000000"], 2, "batch size 100000000 is beyond reason"),
        (["--batch-size", "-5"], 2, "batch size must be 0"),
        (["--compute-type", "int3"], 2, "unknown compute type 'int3'"),
        (["--compute-type", "float16"], 3, "compute type float16 is not supported"),
        (["--device", "cuda"], 3, "no usable CUDA GPU on this machine"),
        (["--ray-address", "cluster"], 2, "expected local, auto, HOST:PORT"),
    ],
)
def test_flags_beyond_the_machine_are_one_line_and_nothing_is_written(project, flags, code, says):
    import ctranslate2

    if "cuda" in flags and ctranslate2.get_cuda_device_count():
        pytest.skip("this machine has a GPU")
    if "float16" in flags and "float16" in ctranslate2.get_supported_compute_types("cpu"):
        pytest.skip("this processor computes float16")
    result = project.run("build", *flags)
    assert result.code == code
    assert says in one_error_line(result.err)
    assert not project.dist.exists()


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("ARGOS_INTER_THREADS", "two", "ARGOS_INTER_THREADS='two': must be a whole number"),
        ("ARGOS_INTRA_THREADS", "100000", "threads 100000 is more than this machine can use"),
        ("ARGOS_DEVICE_TYPE", "tpu", "unknown device 'tpu'"),
        ("ARGOS_COMPUTE_TYPE", "int3", "unknown compute type 'int3'"),
    ],
)
def test_argos_variables_are_checked_like_settings(project, variable, value, says):
    project.env[variable] = value
    result = project.run("build")
    assert result.code == 2 and says in one_error_line(result.err)


@pytest.mark.parametrize(
    ("toml", "says"),
    [
        ('workers = "two"\n', "'workers' must be a whole number"),
        ("[ray]\nnodes = 3\n", "unknown setting 'nodes' in [ray]"),
        ('device_index = [0, 0]\ndevice = "cuda"\n', "each listed once"),
        ("[ray]\nthreads = 0\n", "[ray]: workers must be 0"),
    ],
)
def test_bad_engine_settings_in_the_config_file_are_named(project, toml, says):
    (project.root / "bilingual.toml").write_text(toml, encoding="utf-8")
    result = project.run("build")
    assert result.code == 2 and says in one_error_line(result.err)


def test_flags_win_over_argos_variables_which_win_over_the_config_file(tmp_path, monkeypatch):
    config = tmp_path / "bilingual.toml"
    config.write_text("workers = 1\nthreads = 1\nbatch_size = 64\n", encoding="utf-8")
    for name in ("ARGOS_INTER_THREADS", "ARGOS_INTRA_THREADS", "ARGOS_BATCH_SIZE"):
        monkeypatch.delenv(name, raising=False)
    assert load_settings(config, {}).workers == 1
    monkeypatch.setenv("ARGOS_INTER_THREADS", "2")
    monkeypatch.setenv("ARGOS_BATCH_SIZE", "128")
    settings = load_settings(config, {})
    assert (settings.workers, settings.threads, settings.batch_size) == (2, 1, 128)
    assert load_settings(config, {"workers": 1}).workers == 1


def test_measured_defaults_use_every_core_as_separate_translators(tmp_path, monkeypatch):
    for name in ("ARGOS_INTER_THREADS", "ARGOS_INTRA_THREADS", "ARGOS_BATCH_SIZE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    config = resolve(load_settings(None, {}).speed)
    assert (config.workers, config.threads) == (cores(), 1)
    assert (config.device, config.compute_type, config.batch_type) == ("cpu", "default", "tokens")
    # --threads N alone keeps its old meaning: one translator's threads, cores shared out.
    assert resolve(load_settings(None, {"threads": cores()}).speed).workers == 1


def test_cache_key_records_device_and_compute_type():
    segment = doc("a", "第一句。").segments[0]
    on_cpu = cache_key(segment, NO_MODEL_INFO, DECODING)
    on_gpu = cache_key(segment, replace(NO_MODEL_INFO, device="cuda"), DECODING)
    float16 = cache_key(
        segment, replace(NO_MODEL_INFO, device="cuda", compute_type="float16"), DECODING
    )
    assert len({on_cpu, on_gpu, float16}) == 3
    assert cache_key(segment, ModelInfo("test-echo", "1", "cpu", "default"), DECODING) == on_cpu


def test_bumping_a_recipe_component_invalidates_only_the_segments_it_shapes(monkeypatch):
    glossary = Glossary((Term("具身智能", "embodied intelligence"),))
    plain = doc("a", "第一句。").segments[0]
    with_term = doc("b", "具身智能来了。", glossary=glossary).segments[0]
    long = doc("c", "很长的句子，" * 40 + "完。").segments[0]
    segments = [plain, with_term, long]

    def keys():
        return [cache_key(s, NO_MODEL_INFO, DECODING) for s in segments]

    def bump(name: str) -> None:
        bumped = tuple(
            replace(c, version=c.version + 1) if c.name == name else c for c in recipe.RECIPE
        )
        monkeypatch.setattr(recipe, "RECIPE", bumped)

    before = keys()
    bump("protection")
    after_protection = keys()
    assert [a != b for a, b in zip(before, after_protection, strict=True)] == [False, True, False]
    bump("splitting")
    after_splitting = keys()
    changed = [a != b for a, b in zip(after_protection, after_splitting, strict=True)]
    assert changed == [False, False, True]
    bump("decoding")
    assert all(a != b for a, b in zip(after_splitting, keys(), strict=True))


def test_a_segment_short_enough_for_the_key_is_never_split(installed_packages):
    from pathlib import Path

    from argostranslate.package import Package

    from bilingual.engines.argos import split_long

    package = Package(next(p for p in Path(installed_packages).iterdir() if p.is_dir()))
    text = "模" * recipe.SPLIT_ABOVE_CHARS  # many tokens, but not more characters than the limit
    assert len(split_long(text, package.tokenizer.encode, limit=10)) == 1
    assert len(split_long(text + "型", package.tokenizer.encode, limit=10)) > 1


def test_a_changed_compute_type_retranslates_and_the_default_is_cached(project):
    assert project.run("build").code == 0
    again = json.loads(project.run("build", "--json", "--workers", "1").out)
    assert all(d["translated"] == 0 for d in again["documents"].values())
    other = project.run("build", "--json", "--compute-type", "float32")
    assert other.code == 0, other.err
    report = json.loads(other.out)["documents"]
    assert all(d["translated"] == d["segments"] - d["copied"] for d in report.values())


def test_device_auto_falls_back_to_the_cpu_without_a_gpu(tmp_path, monkeypatch):
    import ctranslate2

    if ctranslate2.get_cuda_device_count():
        pytest.skip("this machine has a GPU")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARGOS_DEVICE_TYPE", raising=False)
    config = resolve(load_settings(None, {"device": "auto"}).speed)
    assert (config.device, config.batch_type, config.batch_size) == ("cpu", "tokens", 1024)


def test_a_bad_argos_variable_is_one_line_in_every_command(project):
    project.env["ARGOS_INTER_THREADS"] = "abc"
    for command in (["models", "status"], ["build"]):
        result = project.run(*command)
        assert result.code == 2, result.err
        assert "ARGOS_INTER_THREADS='abc': must be a whole number" in one_error_line(result.err)


def test_a_build_on_another_runtime_imports_unedited_rows_as_unchanged(project):
    """Rows are judged against the file's own base, whatever device or compute type built it."""
    assert project.run("build", "--compute-type", "int8").code == 0
    path = project.dist / "zhou-hongyi-on-sora.zh-Hans_en.docx"
    result = project.run("import", f"dist/{path.name}", "--json")
    assert result.code == 0 and json.loads(result.out)["edited"] == 0
