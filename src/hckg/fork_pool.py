"""An ordered map over forked worker processes: how the streamed export renders its batches on every core.

``ordered_map(function, items, workers)`` yields ``function(item)`` for each item, in the items' order,
computed by ``workers`` processes forked from this one. Forking shares what this process has loaded (a
pyoxigraph store, in memory or open on disk, and the caches in front of it) without pickling it: only the
items and the results cross between processes. Shared pages stay shared only while nobody writes them:
reading pyoxigraph's in-memory store writes to its pages, so each worker comes to hold a copy of the
part it reads. Each worker starts by moving what it inherited out of its garbage collector's reach
(``gc.freeze``, in the worker only): a full collection would otherwise scan every inherited object the
parent's collector still tracks, writing to each (copying its page); what the worker makes itself is
collected as usual. At most ``in_flight`` results are pending at a time, so memory stays bounded when the
consumer is the slower side.

Workers ignore Ctrl-C (the parent stops them), are killed when the parent dies (Linux), and stop as soon as
the consumer stops early or an item fails, once they have finished the few items already handed to them;
the failure is raised in the parent as it was in the worker. With one worker, or where fork is unavailable, the items are mapped in this process.
``forked_map`` maps a list the same way with this process taking the first item, and returns the list.
``beside(function)`` runs one call in a forked process while this one goes on, and gives its result back.
"""

import ctypes
import gc
import multiprocessing
import os
import pickle
import signal
from collections import deque
from contextlib import contextmanager
from collections.abc import Callable, Iterable, Iterator

from hckg.errors import HckgError

PR_SET_PDEATHSIG = 1   # prctl option: the signal a process gets when its parent dies

_FUNCTION: Callable | None = None   # what forked workers run: set before the fork, inherited by the children


def usable_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:   # not Linux
        return os.cpu_count() or 1


def idle_cpus() -> int:
    """The usable CPUs the last minute's load average leaves idle, counting the caller's own as idle (at
    least 1): forking more workers than that only makes them wait for each other."""
    try:
        busy = os.getloadavg()[0]
    except OSError:   # no load average on this system
        return usable_cpus()
    return max(1, min(usable_cpus(), round(usable_cpus() - busy + 1)))


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def ordered_map(function: Callable, items: Iterable, workers: int = 0, in_flight: int | None = None) -> Iterator:
    """``map(function, items)`` computed by ``workers`` forked processes (0: one per usable CPU), in order."""
    workers = workers or usable_cpus()
    if workers <= 1 or not can_fork():
        yield from map(function, items)
        return
    in_flight = in_flight or 2 * workers
    with _pool(function, workers) as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.apply_async(_call, (item,)))
            if len(pending) >= in_flight:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def forked_map(function: Callable, items: list, workers: int = 0) -> list:
    """``[function(item) for item in items]``, the first item mapped in this process while ``workers - 1``
    forked processes (0: one per usable CPU, less one) map the others: the parent works too, and fewer
    copies of what the children touch are made (each child copies the pages it writes, refcounts included)."""
    workers = min(workers or usable_cpus(), len(items))
    if workers <= 1 or not can_fork():
        return [function(item) for item in items]
    with _pool(function, workers - 1) as pool:
        pending = [pool.apply_async(_call, (item,)) for item in items[1:]]
        first = function(items[0])
        return [first] + [result.get() for result in pending]


class ForkedProcessDied(HckgError):
    """A forked process ended without giving its result."""


@contextmanager
def beside(function: Callable[[], object]):
    """Start ``function()`` in a forked process and yield a function that waits for its result and returns it,
    or raises here the exception it raised there. Only the pickled result crosses back (through a pipe). A
    process that dies without answering (killed, out of memory) raises ``ForkedProcessDied`` instead of
    leaving the caller waiting; one still running when the block ends is stopped. Without fork, or with one
    usable CPU, ``function`` runs in this process when its result is asked for."""
    if usable_cpus() < 2 or not can_fork():
        yield function
        return
    reader, writer = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:   # the child: answer, then leave without the parent's clean-up (atexit, buffered output)
        code = 1
        try:
            os.close(reader)
            _start_worker(parent)
            try:
                answer = pickle.dumps((True, function()))
            except BaseException as exc:   # raised again in the parent
                answer = _pickled_failure(exc)
            with open(writer, "wb") as pipe:
                pipe.write(answer)
            code = 0
        finally:
            os._exit(code)
    os.close(writer)
    pipe = open(reader, "rb")
    finished = False

    def result():
        nonlocal finished
        answer = pipe.read()
        pipe.close()
        _pid, status = os.waitpid(pid, 0)
        finished = True
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            raise ForkedProcessDied(f"a forked worker process died without answering (exit status {code})")
        done, value = pickle.loads(answer)
        if not done:
            raise value
        return value
    try:
        yield result
    finally:
        pipe.close()
        if not finished:
            os.kill(pid, signal.SIGTERM)
            os.waitpid(pid, 0)


def _pickled_failure(exc: BaseException) -> bytes:
    try:
        return pickle.dumps((False, exc))
    except Exception:   # an exception that cannot be pickled: its type and message
        return pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))


@contextmanager
def _pool(function: Callable, processes: int):
    """``processes`` forked workers that run ``function``. However the block ends (done, failed or
    abandoned), the workers finish the items they were given and exit. Not ``Pool.terminate``: it kills
    workers that may be holding the result queue's lock, and its own shutdown then waits for that lock for
    ever (seen after Ctrl-C)."""
    global _FUNCTION
    _FUNCTION = function
    pool = multiprocessing.get_context("fork").Pool(processes, initializer=_start_worker, initargs=(os.getpid(),))
    try:
        yield pool
    finally:
        pool.close()
        pool.join()
        _FUNCTION = None


def _call(item):
    return _FUNCTION(item)


def _start_worker(parent: int) -> None:
    gc.freeze()
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):   # not Linux: no such guard
        pass
    if os.getppid() != parent:   # the parent died before prctl took effect
        os._exit(1)
