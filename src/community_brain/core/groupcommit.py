"""Group commit: threads of one process that write the same kind of thing at the same moment
hand their writes to whichever of them holds the writer's turn, which writes them all in one
transaction and hands each its own result.

No thread waits on a timer: a batch is whatever queued while the previous one was being
written, so a lone caller writes at once (a batch of one) and a busy process writes in
batches as large as its concurrency. Each caller still gets its own result or exception.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any

_UNSET = object()


class _Slot:
    __slots__ = ("done", "item", "result")

    def __init__(self, item):
        self.item = item
        self.result = _UNSET
        self.done = threading.Event()


class GroupCommit:
    """``write(items)`` returns one result per item, in order; a result that is an exception
    is raised in the caller that submitted that item. An exception from ``write`` itself
    reaches every caller of the batch.

    ``writers``: how many batches may be written at once. With one, a batch waits for the
    one before it to commit; with two, one batch's statements travel to the database while
    the next is being prepared, so a process keeps its core busy instead of waiting."""

    def __init__(self, write: Callable[[list], Sequence[Any]], writers: int = 1):
        self._write = write
        self._turn = threading.Semaphore(writers)
        self._guard = threading.Lock()
        self._pending: list[_Slot] = []
        self.batches = 0  # for tests and benchmarks: how many writes, how many items
        self.items = 0

    def submit(self, item):
        slot = _Slot(item)
        with self._guard:
            self._pending.append(slot)
        with self._turn:
            with self._guard:
                batch, self._pending = self._pending, []
            if batch:  # empty when other writers took everything, this item included
                self._run(batch)
        slot.done.wait()  # written by this thread or by the writer that took it
        if isinstance(slot.result, BaseException):
            raise slot.result
        return slot.result

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
