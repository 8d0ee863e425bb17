"""Progress bars on a terminal, silence elsewhere."""

from __future__ import annotations

import sys
from collections.abc import Callable


class Progress:
    """tqdm bars on stderr when it is a terminal and not quiet; otherwise nothing."""

    def __init__(self, quiet: bool = False):
        self.quiet = quiet
        self.enabled = not quiet and sys.stderr.isatty()
        self._bars: list = []

    def _new_bar(self, total: int | None, description: str, unit: str, **kwargs):
        import shutil

        from tqdm import tqdm

        # A terminal that reports a 0x0 size (some ptys) would hide the bar: fall back to 80x24.
        size = shutil.get_terminal_size((80, 24))
        bar = tqdm(total=total, desc=description, unit=unit, leave=False, file=sys.stderr,
                   ncols=size.columns, nrows=size.lines, **kwargs)  # fmt: skip
        self._bars.append(bar)
        return bar

    def bar(
        self, total: int | None, description: str, unit: str = "it", **kwargs
    ) -> Callable[[int], None]:
        """A bar of known (or unknown) total; returns its ``advance(n)``."""
        if not self.enabled:
            return lambda n: None
        return self._new_bar(total, description, unit, **kwargs).update

    def counter(self, description: str, unit: str = "it") -> Counter:
        """A bar whose total grows as work is planned (``expect``) and done (``advance``)."""
        return Counter(self, description, unit)

    def close(self) -> None:
        for bar in self._bars:
            bar.close()
        self._bars.clear()

    def say(self, message: str) -> None:
        """A note for the user (stderr), unless quiet."""
        if not self.quiet:
            print(message, file=sys.stderr)


class Counter:
    def __init__(self, progress: Progress, description: str, unit: str):
        self._progress, self._description, self._unit = progress, description, unit
        self._bar = None

    def expect(self, n: int) -> None:
        if not self._progress.enabled or n == 0:
            return
        if self._bar is None:
            self._bar = self._progress._new_bar(n, self._description, self._unit)
        else:
            self._bar.total += n
            self._bar.refresh()

    def advance(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(n)
