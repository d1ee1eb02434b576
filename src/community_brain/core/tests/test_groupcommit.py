"""Group commit hands each caller its own result, batches callers that arrive together, and
never loses a caller when the write fails."""

import threading
import time

import pytest

from community_brain.core.groupcommit import GroupCommit


def test_a_lone_caller_is_written_at_once_as_a_batch_of_one():
    seen = []
    group = GroupCommit(lambda items: seen.append(list(items)) or [i * 2 for i in items])
    assert group.submit(21) == 42
    assert seen == [[21]] and (group.batches, group.items) == (1, 1)


def test_callers_arriving_during_a_write_share_the_next_batch():
    started, release = threading.Event(), threading.Event()
    batches = []

    def write(items):
        batches.append(list(items))
        if len(batches) == 1:  # hold the first write until the others have queued
            started.set()
            release.wait(5)
        return [f"done {i}" for i in items]

    group = GroupCommit(write)
    results = {}

    def call(n):
        results[n] = group.submit(n)

    first = threading.Thread(target=call, args=(0,))
    first.start()
    started.wait(5)
    others = [threading.Thread(target=call, args=(n,)) for n in range(1, 6)]
    for t in others:
        t.start()
    deadline = time.time() + 5
    while len(group._pending) < 5 and time.time() < deadline:
        time.sleep(0.005)
    release.set()
    for t in [first, *others]:
        t.join(5)
    assert results == {n: f"done {n}" for n in range(6)}
    assert batches[0] == [0] and sorted(batches[1]) == [1, 2, 3, 4, 5] and len(batches) == 2


def test_an_error_for_one_item_is_raised_in_its_caller_only():
    group = GroupCommit(lambda items: [ValueError(f"bad {i}") if i < 0 else i for i in items])
    assert group.submit(3) == 3
    with pytest.raises(ValueError, match="bad -1"):
        group.submit(-1)


def test_a_failed_write_reaches_every_caller_and_the_next_batch_still_runs():
    calls = []

    def write(items):
        calls.append(items)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return items

    group = GroupCommit(write)
    with pytest.raises(RuntimeError, match="database went away"):
        group.submit("a")
    assert group.submit("b") == "b"


def test_a_write_returning_the_wrong_number_of_results_is_an_error():
    group = GroupCommit(lambda items: [])
    with pytest.raises(RuntimeError, match="0 results for 1"):
        group.submit("x")


def test_two_writers_write_two_batches_at_once_and_every_caller_gets_its_own():
    both_in, release = threading.Barrier(2, timeout=5), threading.Event()
    batches = []

    def write(items):
        batches.append(list(items))
        if len(batches) <= 2:
            both_in.wait()  # fails unless a second batch is being written meanwhile
            release.wait(5)
        return [f"done {i}" for i in items]

    group = GroupCommit(write, writers=2)
    results = {}

    def call(n):
        results[n] = group.submit(n)

    threads = [threading.Thread(target=call, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
        time.sleep(0.05)  # the first has begun its batch before the second arrives
    later = [threading.Thread(target=call, args=(n,)) for n in range(2, 8)]
    for t in later:
        t.start()
    time.sleep(0.1)
    release.set()
    for t in threads + later:
        t.join(5)
    assert results == {n: f"done {n}" for n in range(8)}
    assert sorted(i for b in batches for i in b) == list(range(8))
    assert group.items == 8 and group.batches == len(batches)


def test_a_writer_waits_for_an_item_on_its_way_and_writes_both_together():
    batches = []
    group = GroupCommit(lambda items: batches.append(list(items)) or list(items), linger=5.0)
    on_its_way, go = threading.Event(), threading.Event()
    results = {}

    def second():
        with group.expecting() as promise:
            on_its_way.set()
            go.wait(5)  # validating, while the first caller already holds the writer's turn
            results["second"] = group.submit("second", promise)

    thread = threading.Thread(target=second)
    thread.start()
    on_its_way.wait(5)
    threading.Timer(0.05, go.set).start()
    started = time.monotonic()
    results["first"] = group.submit("first")
    thread.join(5)
    assert results == {"first": "first", "second": "second"}
    assert batches == [["first", "second"]]
    assert time.monotonic() - started < 4  # released by the arrival, not the linger


def test_a_withdrawn_promise_releases_the_writer_at_once():
    group = GroupCommit(lambda items: list(items), linger=5.0)
    entered, leave = threading.Event(), threading.Event()

    def refused():
        with group.expecting():
            entered.set()
            leave.wait(5)  # its input is refused: it leaves without submitting

    thread = threading.Thread(target=refused)
    thread.start()
    entered.wait(5)
    threading.Timer(0.05, leave.set).start()
    started = time.monotonic()
    assert group.submit("alone") == "alone"
    thread.join(5)
    assert time.monotonic() - started < 4 and group._expected == 0


def test_the_wait_for_expected_items_is_bounded_by_the_linger():
    group = GroupCommit(lambda items: list(items), linger=0.05)
    with group.expecting():  # promised, never delivered while the writer waits
        started = time.monotonic()
        assert group.submit("alone") == "alone"
        waited = time.monotonic() - started
    assert 0.04 <= waited < 2
    nobody = GroupCommit(lambda items: list(items), linger=5.0)
    started = time.monotonic()
    assert nobody.submit("alone") == "alone" and time.monotonic() - started < 1
