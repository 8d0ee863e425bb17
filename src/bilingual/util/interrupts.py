"""Ctrl-C and SIGTERM: answered at once, cleaned up once, and never a traceback.

The first signal raises KeyboardInterrupt in the main thread (engines wait for their batches by
polling, so this happens within milliseconds even mid-batch); later ones are ignored while the
build cleans up. Then ``exit_now`` ends the process without waiting for CTranslate2's threads to
finish a batch nobody will read: a normal interpreter exit would join them first.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_state = {"interrupted": False}


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


def exit_now(code: int) -> None:
    """Run the exit hooks (Ray's shutdown among them), flush, and end the process."""
    _state["interrupted"] = True
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    try:
        atexit._run_exitfuncs()
    finally:
        os._exit(code)
