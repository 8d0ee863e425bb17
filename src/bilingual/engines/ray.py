"""The Ray engine: the same batches as the Argos engine, translated by Ray actors.

Each actor loads the node's installed Argos package once (it must be the driver's model and
version, or the cache would mix two models' English) and translates whole planned batches; the
driver keeps everything else (tokenizer, cache, memory, glossary, writing). Batches go out
in the order they are needed, at most two per actor at a time (``window.Window``), so a fast
node takes more and an interrupt waits for no queued batch; results come back in order and the
translation stage caches them as they arrive, so an interrupted or failed distributed build
resumes where it stopped.

``address`` is ``local`` (a cluster of this machine, in a temp folder, stopped at exit),
``auto`` (the cluster ``ray start`` runs on this machine) or ``HOST:PORT``. Ray is the optional
extra ``bilingual[ray]``.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from bilingual.engines.argos import SEARCH, Work
from bilingual.engines.config import EngineConfig, RaySettings
from bilingual.engines.window import IN_FLIGHT_PER_TRANSLATOR, Tokens, Window
from bilingual.errors import EnvironmentProblem, ModelError
from bilingual.util import interrupts

CONNECT_SECONDS = 5.0
POLL_SECONDS = 0.05  # how long Ray may hold the main thread: Ctrl-C waits at most this
READY_SECONDS = 300.0  # workers start (import, model load) within this, or the build stops


class TranslatorActor:
    """Runs in a Ray worker: the node's zh->en package, one CTranslate2 translator."""

    def __init__(self, name: str, version: str, device: str, compute_type: str, threads: int):
        self.problem: str | None = None
        self.node = socket.gethostname()
        try:
            from bilingual.engines import packages as argos_models
            from bilingual.engines.argos import ArgosEngine

            package = argos_models.find_zh_en()
            found = argos_models.model_info(package) if package else None
            if found is None or (found.name, found.version) != (name, version):
                have = f"{found.name} {found.version}" if found else "no zh->en model"
                raise ModelError(
                    f"has {have} in {argos_models.packages_dir()}, not {name} {version}; "
                    "install the driver's package there with `bilingual models install --file`"
                )
            config = EngineConfig(device=device, compute_type=compute_type, threads=threads)
            self.translator = ArgosEngine(package, config).translator  # one translator
        except Exception as exc:  # reported by ready(): the driver says it in one line
            self.problem = str(exc).splitlines()[0] if str(exc) else type(exc).__name__

    def ready(self) -> tuple[str, str | None]:
        return self.node, self.problem

    def pid(self) -> int:
        return os.getpid()

    def translate(self, tokens: list[Tokens], prefixes: list[list[str]] | None) -> list:
        results = self.translator.translate_batch(tokens, target_prefix=prefixes, **SEARCH)
        return [result.hypotheses for result in results]


def _import_ray():
    try:
        import ray
    except ImportError:
        raise EnvironmentProblem(
            "Ray is not installed; install the extra: pip install 'bilingual[ray]'"
        ) from None
    return ray


def _check_reachable(address: str) -> None:
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_SECONDS).close()
    except OSError as exc:
        raise EnvironmentProblem(
            f"ray cluster at {address} unreachable ({exc.strerror or exc}); start it with "
            "`ray start --head` or fix --ray-address"
        ) from None


def prepare_environment(settings: RaySettings) -> None:
    """Before Ray is imported (it reads these once): no usage statistics, and for a local
    cluster a session token in the environment, so Ray writes nothing to ~/.ray."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    local = (settings.address or "local") == "local"
    if local and not any(os.environ.get(n) for n in ("RAY_AUTH_TOKEN", "RAY_AUTH_TOKEN_PATH")):
        os.environ["RAY_AUTH_TOKEN"] = secrets.token_hex(32)
        os.environ.setdefault("RAY_AUTH_MODE", "token")


def connect(ray, settings: RaySettings) -> None:
    """Join (or, for ``local``, start) the cluster; EnvironmentProblem if it cannot be had."""
    address = settings.address or "local"
    options: dict[str, Any] = {
        "include_dashboard": False,
        "logging_level": logging.WARNING,
        "log_to_driver": False,
    }
    if address == "local":
        # Ray's own files (sockets, logs, the session's token) in a temp folder, not in $HOME.
        temp = tempfile.mkdtemp(prefix="bilingual-ray-")
        options.update(_temp_dir=temp, _node_ip_address="127.0.0.1")
    elif address != "auto":
        _check_reachable(address)
    if address == "local":  # stopped even if init is interrupted
        atexit.register(_stop_local, ray, options["_temp_dir"])
        interrupts.on_interrupt(lambda: _kill_local(ray, options["_temp_dir"]))
    ours = interrupts.installed()
    try:
        ray.init(address=address, **options)
    except Exception as exc:  # Ray raises many kinds; each means "no cluster"
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise EnvironmentProblem(
            f"cannot join the ray cluster at {address} ({reason}); start it with "
            "`ray start --head` or fix --ray-address"
        ) from None
    finally:
        interrupts.reinstall_if_replaced(ours)  # Ray sets its own SIGTERM handler


def _stop_local(ray, temp: str) -> None:
    """Stop the cluster this process started and remove its folder (at exit)."""
    ray.shutdown()
    shutil.rmtree(temp, ignore_errors=True)


def _kill_local(ray, temp: str) -> None:
    """On an interrupt: the cluster this process started killed at once, every process under
    this one (raylet, GCS, agents, workers: their batches are read by nobody, and
    ``ray.shutdown`` would stop each gracefully, a second at a time), and its folder removed.
    Where processes cannot be listed (no /proc), ``ray.shutdown``."""
    tree = _descendants(os.getpid())
    if tree is None:
        ray.shutdown()
    for pid in tree or ():
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    shutil.rmtree(temp, ignore_errors=True)


def _descendants(root: int) -> list[int] | None:
    """The processes under ``root`` (children, theirs...), from /proc; None without /proc."""
    parents: dict[int, list[int]] = {}
    try:
        entries = [e.name for e in os.scandir("/proc") if e.name.isdigit()]
    except OSError:
        return None
    for name in entries:
        try:
            stat = Path(f"/proc/{name}/stat").read_text(encoding="ascii", errors="replace")
        except OSError:  # ended meanwhile
            continue
        parent = int(stat.rpartition(")")[2].split()[1])  # the name may hold spaces and ")"
        parents.setdefault(parent, []).append(int(name))
    found, todo = [], [root]
    while todo:
        for child in parents.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found


class RayEngine:
    def __init__(self, package, config: EngineConfig):
        from bilingual.engines import packages as argos_models

        settings = config.ray or RaySettings(address="local")
        if "ray" not in sys.modules:
            prepare_environment(settings)
        ray = self.ray = _import_ray()
        self.package, self.config = package, config
        if not ray.is_initialized():
            connect(ray, settings)
        room = self._room(settings)
        workers = settings.workers or room
        if workers < 1 or workers > room:
            raise EnvironmentProblem(
                f"the ray cluster has room for {room} worker(s) of {settings.threads} CPU(s) "
                f"and {settings.gpus} GPU(s), not {workers}; change [ray] workers, threads or "
                "gpus, or add nodes"
            )
        info = argos_models.model_info(package)
        actor = ray.remote(num_cpus=settings.threads, num_gpus=settings.gpus)(TranslatorActor)
        self.actors = [
            actor.remote(
                info.name, info.version, config.device, config.compute_type, settings.threads
            )  # fmt: skip
            for _ in range(workers)
        ]
        for node, problem in self._get([a.ready.remote() for a in self.actors], READY_SECONDS):
            if problem:
                raise ModelError(f"ray worker on {node}: {problem}")

    def _room(self, settings: RaySettings) -> int:
        resources = self.ray.cluster_resources()
        if settings.gpus > 0:
            return int(resources.get("GPU", 0) // settings.gpus)
        return int(resources.get("CPU", 0) // settings.threads)

    def _get(self, refs: list, seconds: float) -> list:
        """``ray.get`` in short waits (Ctrl-C stays answered); a dead worker is one line."""
        pending = list(refs)
        deadline = time.monotonic() + seconds
        while pending:
            if time.monotonic() > deadline:
                raise EnvironmentProblem(
                    f"{len(pending)} ray worker(s) did not start within {seconds:.0f} s; "
                    "check the cluster (`ray status`) and the nodes' logs"
                )
            _, pending = self.ray.wait(pending, num_returns=len(pending), timeout=POLL_SECONDS)
        try:
            return self.ray.get(refs)
        except self.ray.exceptions.RayError as exc:
            raise _worker_failed(exc) from None

    def translate(self, sources: Sequence[str]) -> Iterator[list[str]]:
        ray = self.ray
        work = Work.plan(sources, self.package, self.config, len(self.actors))
        load = {actor: 0 for actor in self.actors}
        actor_of: dict[Any, Any] = {}

        def send(number: int) -> Any:
            actor = min(self.actors, key=load.__getitem__)  # a fast node takes more
            batch = work.batches[number]
            ref = actor.translate.remote([work.tokens[i] for i in batch], work.prefixes(batch))
            load[actor] += 1
            actor_of[ref] = actor
            return ref

        def collect(refs: list, wait: float) -> list[tuple[Any, list[list[Tokens]]]]:
            ready, _ = ray.wait(refs, num_returns=1, timeout=wait)
            out = []
            for ref in ready:
                load[actor_of.pop(ref)] -= 1
                try:
                    out.append((ref, ray.get(ref)))
                except ray.exceptions.RayError as exc:
                    raise _worker_failed(exc) from None
            return out

        window = Window(work.batches, IN_FLIGHT_PER_TRANSLATOR * len(self.actors), send, collect)
        yield from work.assemble(window.hypotheses)


def _worker_failed(exc: Exception) -> EnvironmentProblem:
    reason = str(exc).strip().splitlines()
    short = next((line for line in reason if line.strip()), type(exc).__name__)
    return EnvironmentProblem(
        f"a ray worker failed mid-build ({type(exc).__name__}: {short[:200]}); the translations "
        "finished so far are cached: fix the cluster and run the build again to resume"
    )
