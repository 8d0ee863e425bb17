"""Ctrl-C and SIGTERM: answered at once, cleaned up once, and never a traceback.

The first signal raises KeyboardInterrupt in the main thread (engines wait for their batches by
polling and keep only a few in flight, so this happens within milliseconds even mid-batch);
later ones are ignored while the build cleans up. Then ``exit_now`` ends the process without
waiting for CTranslate2's threads to finish a batch nobody will read: a normal interpreter exit
would join them first. On an interrupt it runs only the hooks given to ``on_interrupt`` (they
stop what the build started, at once), not the libraries' exit hooks: Ray's stops a local
cluster gracefully, up to a second per process, and sleeps half a second first.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
from collections.abc import Callable

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_state = {"interrupted": False}
_on_interrupt: list[Callable[[], object]] = []


def _handler(signum, frame) -> None:
    if _state["interrupted"]:
        return  # already cleaning up: a second Ctrl-C must not break the cleanup
    _state["interrupted"] = True
    raise KeyboardInterrupt


def install() -> None:
    """Make SIGINT and SIGTERM raise KeyboardInterrupt, once (main thread only)."""
    _state["interrupted"] = False
    for sig in SIGNALS:
        signal.signal(sig, _handler)


def installed() -> bool:
    return signal.getsignal(signal.SIGINT) is _handler


def reinstall_if_replaced(previous: bool) -> None:
    """Put our handlers back after a library (Ray) replaced them, if they were ours."""
    if previous and not installed():
        for sig in SIGNALS:
            signal.signal(sig, _handler)


def native_threads_may_run() -> bool:
    """An engine may still be computing in C++ threads (a normal exit would wait for them)."""
    return any(name in sys.modules for name in ("ctranslate2", "ray"))


def on_interrupt(hook: Callable[[], object]) -> None:
    """Run ``hook`` when an interrupt ends the process through ``exit_now`` (last given, first
    run); it must be quick."""
    _on_interrupt.append(hook)


def exit_now(code: int, *, interrupted: bool = False) -> None:
    """Flush and end the process: after every exit hook (Ray's shutdown among them), or, when
    ``interrupted``, after the ``on_interrupt`` hooks only."""
    _state["interrupted"] = True
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    try:
        if interrupted:
            for hook in reversed(_on_interrupt):
                with contextlib.suppress(Exception):
                    hook()
        else:
            atexit._run_exitfuncs()
    finally:
        os._exit(code)
