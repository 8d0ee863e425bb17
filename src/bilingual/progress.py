"""Progress bars on a terminal, silence elsewhere."""

from __future__ import annotations

import sys
from collections.abc import Callable


class Progress:
    """A tqdm bar on stderr when it is a terminal and not quiet; otherwise nothing."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.enabled = not quiet and sys.stderr.isatty()
        self._bars: list = []

    def bar(
        self, total: int | None, description: str, unit: str = "it", **kwargs
    ) -> Callable[[int], None]:
        if not self.enabled:
            return lambda n: None
        import shutil

        from tqdm import tqdm

        # A terminal that reports a 0x0 size (some ptys) would hide the bar: fall back to 80x24.
        size = shutil.get_terminal_size((80, 24))
        bar = tqdm(
            total=total,
            desc=description,
            unit=unit,
            leave=False,
            file=sys.stderr,
            ncols=size.columns,
            nrows=size.lines,
            **kwargs,
        )
        self._bars.append(bar)
        return bar.update

    def close(self) -> None:
        for bar in self._bars:
            bar.close()
        self._bars.clear()

    def say(self, message: str) -> None:
        """A note for the user (stderr), unless quiet."""
        if not self.quiet:
            print(message, file=sys.stderr)
