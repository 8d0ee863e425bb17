"""The command line. It only wires: parse, call the project's wiring or a module, print, exit.

Each command is declared (``Command``: its place, help, arguments and handler) in the module
that runs it; ``parser`` assembles them from ``COMMANDS``. Heavy modules are imported inside the
handlers, so ``bilingual --help`` is instant.

Exit codes: 0 ok; 1 QA warnings under --strict; 2 bad input or usage; 3 no usable model;
4 cannot write, or another build holds the lock; 70 a bug; 130 interrupted.
"""

from __future__ import annotations

import argparse
import errno
import sys

from bilingual import __version__
from bilingual.cli import build, glossary, memory, models
from bilingual.cli.common import EPILOG, Command, global_flags, project_flags
from bilingual.errors import (
    EXIT_BUG,
    EXIT_ENVIRONMENT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    BilingualError,
    ManyErrors,
    listed,
)

# Commands in the order ``--help`` lists them.
COMMANDS: tuple[Command, ...] = (
    *build.COMMANDS[:2],
    *glossary.COMMANDS,
    *models.COMMANDS,
    *memory.COMMANDS[:1],
    *build.COMMANDS[2:],
    *memory.COMMANDS[1:],
)
# Commands that only group others: their help, and what ``--help`` calls their subcommands.
GROUPS = {
    "glossary": ("glossary tools", "COMMAND"),
    "models": ("Argos Translate models", "COMMAND"),
    "export": ("editions for CAT tools", "FORMAT"),
    "tm": ("the translation memory: TMX in and out, status", "COMMAND"),
}


def parser() -> argparse.ArgumentParser:
    """The parser of every command in ``COMMANDS``."""
    common = global_flags(in_subcommand=True)
    project = project_flags()
    top = argparse.ArgumentParser(
        prog="bilingual",
        description="Simplified Chinese articles to bilingual DOCX and Markdown, offline.",
        epilog=EPILOG,
        parents=[global_flags(in_subcommand=False)],
    )
    top.add_argument("--version", action="version", version=f"bilingual {__version__}")
    subparsers: dict[tuple[str, ...], argparse._SubParsersAction] = {
        (): top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    }
    for command in COMMANDS:
        group = command.path[:-1]
        if group not in subparsers:
            help_text, metavar = GROUPS[group[-1]]
            holder = subparsers[group[:-1]].add_parser(group[-1], parents=[common], help=help_text)
            subparsers[group] = holder.add_subparsers(
                dest=f"{group[-1]}_command", required=True, metavar=metavar
            )
        sub = subparsers[group].add_parser(
            command.path[-1],
            parents=[common, project] if command.project else [common],
            help=command.help,
            epilog=command.epilog,
        )
        command.arguments(sub)
        sub.set_defaults(run=command.run)
    return top


def main(argv: list[str] | None = None) -> int:
    from bilingual.util import interrupts

    args = parser().parse_args(argv)
    interrupts.install()  # Ctrl-C and SIGTERM: one KeyboardInterrupt, the same cleanup
    try:
        return args.run(args)
    except ManyErrors as exc:
        if args.debug:
            raise
        for message in listed(exc.messages):
            print(message, file=sys.stderr)
        return exc.exit_code
    except BilingualError as exc:
        if args.debug:
            raise
        print(f"bilingual: {exc}", file=sys.stderr)
        if interrupts.native_threads_may_run():
            interrupts.exit_now(exc.exit_code)  # a failed build's batches are not waited for
        return exc.exit_code
    except BrokenPipeError:  # e.g. `bilingual segment FILE | head`
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        if args.debug:
            raise
        print(
            "bilingual: interrupted; outputs and translation memory are as before, and the "
            "translations finished so far are cached (the next build resumes)",
            file=sys.stderr,
        )
        if interrupts.native_threads_may_run():
            interrupts.exit_now(EXIT_INTERRUPTED, interrupted=True)  # wait for nothing
        return EXIT_INTERRUPTED
    except OSError as exc:  # a disk or permission fault no module foresaw
        if args.debug:
            raise
        print(f"bilingual: {_os_problem(exc)}", file=sys.stderr)
        return EXIT_ENVIRONMENT
    except Exception as exc:  # a bug: one line, and how to see the rest
        if args.debug:
            raise
        print(
            f"bilingual: internal error ({type(exc).__name__}: {exc}); please report it with "
            "the output of the same command run with --debug",
            file=sys.stderr,
        )
        return EXIT_BUG


def _os_problem(exc: OSError) -> str:
    """An operating system's refusal no module foresaw, as one line: the file, why, what to do."""
    where = f"{exc.filename}: " if exc.filename else ""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{where}cannot write ({reason}); free space on its disk and run again"
    if exc.errno == errno.EROFS:
        return f"{where}cannot write ({reason}); write somewhere else"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"{where}{reason}; fix its permissions and run again"
    return f"{where}{reason}; check the disk and permissions"
