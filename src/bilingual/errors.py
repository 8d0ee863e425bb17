"""Errors a user can cause, each with its documented exit code.

The CLI prints ``str(error)`` as one line and exits with ``error.exit_code``;
tracebacks are shown only with ``--debug``.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_QA = 1  # QA problems, only under --strict
EXIT_INPUT = 2  # bad input or usage: sources, glossary, config, DOCX to import
EXIT_NO_MODEL = 3  # no usable zh->en model, or a model file refused; no PDF renderer
EXIT_ENVIRONMENT = 4  # cannot write outputs, disk full, another build holds the lock
EXIT_BUG = 70  # an internal error: a bug to report (EX_SOFTWARE)
EXIT_INTERRUPTED = 130


class BilingualError(Exception):
    """Base class: a one-line message a user can act on."""

    exit_code = EXIT_INPUT


class InputError(BilingualError):
    """Bad source file, glossary, config or DOCX."""

    exit_code = EXIT_INPUT


class ModelError(BilingualError):
    """No usable zh->en model, or a model package refused."""

    exit_code = EXIT_NO_MODEL


class MissingRenderer(BilingualError):
    """The print edition's renderer cannot run here (WeasyPrint without its system libraries):
    the other outputs are written, and the message names the package to install."""

    exit_code = EXIT_NO_MODEL


class EnvironmentProblem(BilingualError):
    """The machine stops us: unwritable output, full disk, a held lock."""

    exit_code = EXIT_ENVIRONMENT


MAX_LISTED = 20  # problems printed at once; a file can hold millions


def listed(messages: list[str], limit: int = MAX_LISTED) -> list[str]:
    """The first ``limit`` of ``messages``, then how many more: "… and 5,997,990 more"."""
    if len(messages) <= limit:
        return list(messages)
    return [*messages[:limit], f"… and {len(messages) - limit:,} more"]


class ManyErrors(InputError):
    """Several input problems reported at once (e.g. a glossary's ``FILE:LINE: message`` list);
    printed capped (``listed``), ``messages`` holds them all."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(listed(messages)))
        self.messages = messages
