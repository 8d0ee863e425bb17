"""The Ray engine on real clusters of this machine (loopback, temp folders): a local cluster
through the API, and the CLI against a `ray start --head` this module starts and stops.
Skipped when the ``ray`` extra is not installed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from interrupting import package_of, round_seconds, write_long_sources

from conftest import SEED, Project, new_project
from random_model import build_package, closed_port, isolated_environment

pytest.importorskip("ray", reason="the ray extra is not installed: pip install -e '.[ray]'")

NAME = "zhou-hongyi-on-sora"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _listening(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


def one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


@pytest.fixture(scope="module")
def head(slow_packages):
    """`ray start --head` on loopback serving the slow package; stopped with its process group.

    Ray's files go to a short temp folder (its socket paths must stay under 107 characters).
    """
    temp = Path(tempfile.mkdtemp(prefix="bt-ray-"))
    home = temp / "home"
    env = isolated_environment(home, slow_packages)
    env.update(RAY_USAGE_STATS_ENABLED="0")
    port = _free_port()
    ray = Path(sys.executable).parent / "ray"
    log = open(temp / "head.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen(
        [str(ray), "start", "--head", "--block", "--node-ip-address", "127.0.0.1",
         "--port", str(port), "--num-cpus", "2", "--include-dashboard=false",
         "--disable-usage-stats", "--temp-dir", str(temp / "t")],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    while not _listening(port) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    if not _listening(port):
        proc.kill()
        pytest.fail(f"ray start --head did not come up:\n{(temp / 'head.log').read_text()}")
    try:
        yield f"127.0.0.1:{port}", proc.pid, env
    finally:
        for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 15)):
            try:
                os.killpg(proc.pid, sig)
                proc.wait(timeout=wait)
                break
            except (ProcessLookupError, subprocess.TimeoutExpired):
                continue
        log.close()
        shutil.rmtree(temp, ignore_errors=True)


@pytest.fixture
def slow(tmp_path, slow_packages, head) -> Project:
    project = new_project(tmp_path, slow_packages)
    project.env["RAY_USAGE_STATS_ENABLED"] = "0"
    return project


def _outputs(project: Project, dist: str) -> dict[str, bytes]:
    folder = project.root / dist
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.suffix != ".docx"}


def test_ray_build_equals_the_in_process_build_and_reuses_its_cache(slow, head):
    address, _, _ = head
    local = slow.run("build", "--dist", "dist-local", "--json")
    assert local.code == 0, local.err
    shutil.move(slow.root / ".bilingual", slow.root / "state-local")
    (slow.root / "bilingual.toml").write_text(
        f'# the newsroom cluster\n[ray]\naddress = "{address}"\nworkers = 2  # one per core\n',
        encoding="utf-8",
    )
    distributed = slow.run("build", "--dist", "dist-ray", "--json")
    assert distributed.code == 0, distributed.err
    assert "Traceback" not in distributed.err and not distributed.err.strip()
    assert _outputs(slow, "dist-ray") == _outputs(slow, "dist-local")
    report = json.loads(distributed.out)["documents"][NAME]
    assert report["translated"] == report["segments"] - report["copied"]
    # Same device and compute type: the in-process engine's cache serves a Ray build.
    shutil.rmtree(slow.root / ".bilingual")
    shutil.move(slow.root / "state-local", slow.root / ".bilingual")
    again = json.loads(slow.run("build", "--dist", "dist-ray", "--json").out)
    assert again["documents"][NAME]["translated"] == 0


def test_an_unreachable_cluster_is_one_line_and_exit_4(project):
    started = time.monotonic()
    result = project.run("build", "--ray-address", f"127.0.0.1:{closed_port()}")
    assert result.code == 4
    line = one_error_line(result.err)
    assert "unreachable" in line and "ray start --head" in line
    assert time.monotonic() - started < 30
    assert not project.dist.exists()


def test_a_node_without_the_drivers_model_is_named_and_exit_3(tmp_path, head):
    address, _, _ = head
    newer = build_package([SEED.read_text(encoding="utf-8")], tmp_path / "m.argosmodel",
                          version="2.0")  # fmt: skip
    project = new_project(tmp_path, tmp_path / "driver-packages")
    assert project.run("models", "install", "--file", str(newer)).code == 0
    result = project.run("build", "--ray-address", address)
    assert result.code == 3
    line = one_error_line(result.err)
    assert "ray worker on" in line and "not translate-zh_en 2.0" in line
    assert not project.dist.exists()


def _cached(project: Project) -> int:
    import sqlite3

    try:
        with sqlite3.connect(project.root / ".bilingual" / "cache.sqlite", timeout=5) as db:
            return db.execute("SELECT count(*) FROM translations").fetchone()[0]
    except sqlite3.Error:
        return 0


def _start(project: Project, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bilingual", "build", *args],
        cwd=project.root, env=project.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip


def _wait_for_cache(project: Project, proc: subprocess.Popen) -> int:
    deadline = time.monotonic() + 120
    while _cached(project) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, proc.communicate()
    return _cached(project)


def _actor_pids(head_pgid: int) -> list[int]:
    """The head's translator processes: Ray titles them ray::TranslatorActor, and their parent
    (the raylet) is in the process group of the `ray start` this module ran."""
    out = subprocess.run(["ps", "-eo", "pid=,ppid=,pgid=,args="], capture_output=True, text=True)
    rows = [line.split(None, 3) for line in out.stdout.splitlines()]
    group = {int(pid): int(pgid) for pid, _, pgid, *_ in rows}
    return [
        int(pid)
        for pid, ppid, _, *args in rows
        if args and "TranslatorActor" in args[0] and group.get(int(ppid)) == head_pgid
    ]


def test_a_worker_dying_mid_build_is_one_line_and_keeps_finished_work(slow, head):
    address, pgid, _ = head
    args = ("--ray-address", address, "--batch-type", "examples", "--batch-size", "4")
    proc = _start(slow, *args)
    _wait_for_cache(slow, proc)
    victims = _actor_pids(pgid)
    assert victims, "no translator process found"
    os.kill(victims[0], signal.SIGKILL)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 4
    line = one_error_line(err)
    assert "a ray worker failed mid-build" in line and "run the build again to resume" in line
    kept = _cached(slow)
    assert kept > 0 and not slow.dist.exists()
    resumed = slow.run("build", *args, "--json")
    assert resumed.code == 0, resumed.err
    assert json.loads(resumed.out)["documents"][NAME]["cache"] >= kept


@pytest.mark.parametrize("where", ["cluster", "local"])
def test_ctrl_c_during_a_ray_build_at_its_defaults_waits_for_no_batch(
    slow, slow_packages, head, where
):
    """Judged against the time a batch takes here, measured now (no wall-clock limit): the
    driver exits, and a local cluster it started is killed, before any batch could finish."""
    texts = write_long_sources(slow, 400, length=170)  # 7 sentences in a batch of 1,024 tokens
    sentences = 1024 // max(len(package_of(slow_packages).tokenizer.encode(t)) for t in texts)
    four = round_seconds(package_of(slow_packages), texts, 2, 1, 4)  # two actors, one thread
    batch = four * sentences / 4
    address = head[0] if where == "cluster" else "local"
    proc = _start(slow, "--ray-address", address)
    _wait_for_cache(slow, proc)  # the actors are translating the next batches
    started = _tree(proc.pid)  # raylet, GCS, agents, workers of a local cluster
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    seconds = time.monotonic() - sent
    assert proc.returncode == 130 and "Traceback" not in err
    assert _cached(slow) < len(texts) / 2  # most of the work was left...
    assert seconds < batch / 2, (  # ...and not even one batch of it was waited for
        f"answered after {seconds:.2f} s; one batch of {sentences} sentences takes about "
        f"{batch:.2f} s here"
    )
    assert not slow.dist.exists()
    if where == "local":  # the cluster it started is gone, its processes and its folder
        assert started
        deadline = time.monotonic() + 5  # killed processes take a moment to go
        while (left := set(started) & set(_tree(1))) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not left, _commands(left)
        assert not list(Path(tempfile.gettempdir()).glob(f"bilingual-ray-*/*{proc.pid}*"))


def _commands(pids: set[int]) -> list[str]:
    out = subprocess.run(["ps", "-o", "pid=,stat=,args=", "-p", ",".join(map(str, pids))],
                         capture_output=True, text=True)  # fmt: skip
    return out.stdout.splitlines()


def _tree(root: int) -> list[int]:
    """The live processes under ``root`` (zombies left out)."""
    out = subprocess.run(["ps", "-eo", "pid=,ppid=,stat="], capture_output=True, text=True)
    rows = [line.split() for line in out.stdout.splitlines()]
    children: dict[int, list[int]] = {}
    for pid, ppid, stat in rows:
        if not stat.startswith("Z"):
            children.setdefault(int(ppid), []).append(int(pid))
    found, todo = [], [root]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found


def test_the_engine_api_on_a_local_cluster_matches_the_in_process_engine(installed_packages):
    """RayEngine and ArgosEngine on the same planned batches give the same English."""
    from argostranslate.package import Package

    from bilingual.engines.argos import ArgosEngine
    from bilingual.engines.config import EngineConfig

    package = Package(next(p for p in Path(installed_packages).iterdir() if p.is_dir()))
    sources = [line for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    config = EngineConfig(batch_type="examples", batch_size=3, workers=2)
    expected = list(ArgosEngine(package, config).translate(sources))
    script = (
        "import json, sys\n"
        "from argostranslate.package import Package\n"
        "from bilingual.engines.config import EngineConfig\n"
        "from bilingual.engines.ray import RayEngine\n"
        "from bilingual.engines.config import RaySettings\n"
        "package = Package(sys.argv[1])\n"
        "config = EngineConfig(batch_type='examples', batch_size=3,\n"
        "                      ray=RaySettings(address='local', workers=2))\n"
        "sources = json.loads(sys.stdin.read())\n"
        "print(json.dumps(list(RayEngine(package, config).translate(sources))))\n"
    )
    # The Ray side runs in a child process: Ray's processes and files stay out of pytest's.
    home = Path(tempfile.mkdtemp(prefix="bt-home-"))
    env = isolated_environment(home, Path(installed_packages))
    env["RAY_USAGE_STATS_ENABLED"] = "0"
    done = subprocess.run(
        [sys.executable, "-c", script, str(package.package_path)],
        input=json.dumps(sources), capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    shutil.rmtree(home, ignore_errors=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected
