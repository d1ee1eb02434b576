"""Group commit: threads of one process that write the same kind of thing at the same moment
hand their writes to whichever of them holds the writer's turn, which writes them all in one
transaction and hands each its own result.

A batch is whatever queued while the previous one was being written, so a lone caller
writes at once (a batch of one). Callers may also say early that an item is on its way
(``expecting``): a writer about to write a small batch then waits for those items, at most
``linger`` seconds, instead of writing a batch of one while they are a moment away. In a
busy process that is what makes batches form at all — measured on case intake, 90 % of
batches held one report without it — and every batch saves its own round trips. Nobody
waits when nothing is on its way. Each caller still gets its own result or exception.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from typing import Any

_UNSET = object()


class _Slot:
    __slots__ = ("done", "item", "result")

    def __init__(self, item):
        self.item = item
        self.result = _UNSET
        self.done = threading.Event()


class Promise:
    """An item on its way to ``GroupCommit.submit`` (``GroupCommit.expecting``)."""

    __slots__ = ("_group", "open")

    def __init__(self, group: GroupCommit):
        self._group = group
        self.open = True

    def withdraw(self) -> None:
        """The item will not come (refused, or written another way)."""
        if self.open:
            with self._group._guard:
                self._group._keep(self)


class GroupCommit:
    """``write(items)`` returns one result per item, in order; a result that is an exception
    is raised in the caller that submitted that item. An exception from ``write`` itself
    reaches every caller of the batch.

    ``writers``: how many batches may be written at once. With one, a batch waits for the
    one before it to commit; with two, one batch's statements travel to the database while
    the next is being prepared, so a process keeps its core busy instead of waiting.

    ``linger``: how long, at most, a writer waits for expected items (``expecting``);
    ``max_batch`` ends the wait early."""

    def __init__(
        self,
        write: Callable[[list], Sequence[Any]],
        writers: int = 1,
        *,
        linger: float = 0.0,
        max_batch: int = 64,
    ):
        self._write = write
        self._turn = threading.Semaphore(writers)
        self._guard = threading.Lock()
        self._arrived = threading.Condition(self._guard)
        self._pending: list[_Slot] = []
        self._expected = 0
        self._linger = linger
        self._max_batch = max_batch
        self.batches = 0  # for tests and benchmarks: how many writes, how many items
        self.items = 0

    @contextmanager
    def expecting(self):
        """Around the work that ends in ``submit(item, promise)`` (a request reporting a
        case): while it runs, writers know one more item is on its way. Leaving the block
        without submitting (refused input) withdraws the promise."""
        promise = Promise(self)
        with self._guard:
            self._expected += 1
        try:
            yield promise
        finally:
            promise.withdraw()

    def _keep(self, promise: Promise) -> None:
        """With the guard held: the promised item has arrived, or will not."""
        if promise.open:
            promise.open = False
            self._expected -= 1
            self._arrived.notify_all()

    def submit(self, item, promise=None):
        slot = _Slot(item)
        with self._guard:
            self._pending.append(slot)
            if promise is not None:
                self._keep(promise)
            self._arrived.notify_all()
        with self._turn:
            with self._guard:
                self._gather()
                batch, self._pending = self._pending, []
            if batch:  # empty when other writers took everything, this item included
                self._run(batch)
        slot.done.wait()  # written by this thread or by the writer that took it
        if isinstance(slot.result, BaseException):
            raise slot.result
        return slot.result

    def _gather(self) -> None:
        """With the guard held: wait for expected items while the batch is small."""
        if not self._linger or not self._pending:
            return
        deadline = None
        while self._expected > 0 and len(self._pending) < self._max_batch:
            now = time.monotonic()
            if deadline is None:
                deadline = now + self._linger
            elif now >= deadline:
                return
            self._arrived.wait(deadline - now)

    def _run(self, batch: list[_Slot]) -> None:
        try:
            results = list(self._write([s.item for s in batch]))
            if len(results) != len(batch):
                raise RuntimeError(f"write returned {len(results)} results for {len(batch)}")
        except Exception as exc:
            results = [exc] * len(batch)
        except BaseException as exc:  # the process is stopping: release the waiters first
            for slot in batch:
                slot.result = exc
                slot.done.set()
            raise
        with self._guard:
            self.batches += 1
            self.items += len(batch)
        for slot, result in zip(batch, results, strict=True):
            slot.result = result
            slot.done.set()
