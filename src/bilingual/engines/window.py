"""Planned batches handed to the translators a few at a time: a small window refilled as
batches finish.

Every engine translates the batches ``argos.Work`` planned, but never gives its translators
more than ``IN_FLIGHT_PER_TRANSLATOR`` batches each: one computing and one waiting, so no
translator idles between two batches, and nothing else queued. So memory stays flat whatever
the size of the build, and an interrupt (Ctrl-C, SIGTERM) finds at most that much work begun,
which nobody waits for; the main thread only ever sleeps briefly between polls, where Python
runs signal handlers at once. (Handing CTranslate2 every batch at once, as before, blocked the
main thread inside CTranslate2 as soon as its own queue was full: a Ctrl-C then waited for
all but a few batches to finish.)

Batches go out in the order the results are needed (the sources' order), so a finished batch
waits little before it is handed on, and the translation stage caches results as they come.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

Tokens = list[str]
Handle = TypeVar("Handle")
IN_FLIGHT_PER_TRANSLATOR = 2  # one batch computing, one waiting: no translator idles
SHORTEST_WAIT = 0.0005  # seconds between polls, doubled while nothing finishes...
LONGEST_WAIT = 0.02  # ...up to this: how long a signal may wait for the main thread


class Window(Generic[Handle]):
    """Send ``batches`` (lists of token-list indexes) through ``send``, at most ``limit`` at a
    time, and hand back each index's hypotheses when asked, waiting as little as it can.

    ``send(number)`` starts batch ``number`` and returns a handle; ``collect(handles, wait)``
    returns, within about ``wait`` seconds, the handles that finished with their hypotheses
    (one list per example of the batch, in order).
    """

    def __init__(
        self,
        batches: Sequence[Sequence[int]],
        limit: int,
        send: Callable[[int], Handle],
        collect: Callable[[list[Handle], float], list[tuple[Handle, list[list[Tokens]]]]],
    ):
        self.batches = batches
        self.limit = max(1, limit)
        self.send, self.collect = send, collect
        self.batch_of = {i: n for n, batch in enumerate(batches) for i in batch}
        # First needed, first sent: by the smallest index each batch holds.
        self.queue = deque(sorted(range(len(batches)), key=lambda n: min(batches[n], default=0)))
        self.in_flight: dict[Handle, int] = {}  # handle -> batch number
        self.ready: dict[int, list[Tokens]] = {}  # index -> its hypotheses, until handed back

    def hypotheses(self, index: int) -> list[Tokens]:
        """Index ``index``'s hypotheses, ranked best first (waits for its batch)."""
        wait = SHORTEST_WAIT
        while index not in self.ready:
            self._top_up()
            if not self.in_flight:
                raise LookupError(f"index {index} is in no planned batch")
            finished = self.collect(list(self.in_flight), wait)
            for handle, results in finished:
                batch = self.batches[self.in_flight.pop(handle)]
                self.ready.update(zip(batch, results, strict=True))
            wait = SHORTEST_WAIT if finished else min(wait * 2, LONGEST_WAIT)
        return self.ready.pop(index)

    def _top_up(self) -> None:
        while self.queue and len(self.in_flight) < self.limit:
            number = self.queue.popleft()
            self.in_flight[self.send(number)] = number
