"""A pool of query worker processes, each with its own store handle, with a hard time limit.

A job goes to an idle worker; if no answer comes within the time limit the worker is killed
(SIGKILL: pyoxigraph cannot be interrupted from Python) and a fresh one is started in the
background, so a runaway query costs one worker for `timeout` seconds and nothing more. A query
over the memory limit ends its worker too (kg.serve.worker caps its memory), and is answered
with a 503 that says so. Workers are fresh interpreters (`python -m kg.serve.worker`), not
multiprocessing children: forking a multi-threaded server is unsafe, and spawn would re-run the
caller's main module. A read-only pool answers repeated queries from kg.serve.cache.
"""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from multiprocessing.connection import Connection
from pathlib import Path

import kg
from kg.serve.cache import AnswerCache
from kg.serve.worker import Job, Reply, WorkerConfig, memory_reply, text_reply

READY_TIMEOUT = 120.0
# What a process that failed to allocate prints as it aborts: the pool's 503 says it instead.
ALLOCATOR_NOISE = (b"memory allocation of ", b"note: run with `RUST_BACKTRACE", b"stack backtrace:",
                   b"skipping backtrace", b"terminate called after", b"  what():  std::bad_alloc")


class WorkerStartError(RuntimeError):
    """A worker could not open the store; the message says why."""


def _worker_env() -> dict[str, str]:
    """The parent's environment, with this kg package first on the path whatever the cwd."""
    root = str(Path(kg.__file__).resolve().parent.parent)
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": os.pathsep.join([root, path]) if path else root,
            "RUST_BACKTRACE": "0"}


def _relay_stderr(pipe) -> None:
    """Pass a worker's error output on to the server's, without the allocator's last words."""
    with pipe:
        for line in pipe:
            if not line.startswith(ALLOCATOR_NOISE):
                sys.stderr.write(line.decode("utf-8", "replace"))
                sys.stderr.flush()


class _Worker:
    def __init__(self, config: WorkerConfig) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kg.serve.worker", str(theirs.fileno())],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stderr=subprocess.PIPE,
                env=_worker_env())
        threading.Thread(target=_relay_stderr, args=(self.process.stderr,), daemon=True,
                         name="kg-sparql-stderr").start()
        self.conn = Connection(ours.detach())
        self.conn.send(config)
        self.sandboxed = False

    def ran_out_of_memory(self) -> bool:
        """After the connection broke: did the process die failing to allocate (an abort, or the
        kernel's OOM killer)?"""
        try:
            code = self.process.wait(2.0)
        except subprocess.TimeoutExpired:
            return False
        return code in (-signal.SIGABRT, -signal.SIGKILL)

    def wait_ready(self) -> None:
        if not self.conn.poll(READY_TIMEOUT):
            self.kill()
            raise WorkerStartError(f"query worker did not start within {READY_TIMEOUT:.0f} s")
        try:
            status, detail = self.conn.recv()
        except (EOFError, OSError) as err:
            self.kill()
            raise WorkerStartError(f"query worker died while starting: {err}") from err
        if status != "ready":
            self.kill()
            raise WorkerStartError(detail)
        self.sandboxed = bool(detail)

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (OSError, ValueError):
            pass
        try:
            self.process.wait(2.0)
        except subprocess.TimeoutExpired:
            pass
        self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(5.0)
        except subprocess.TimeoutExpired:
            pass
        self.conn.close()


class WorkerPool:
    """`size` workers over one build; run() answers a Job within `timeout` seconds or gives 503."""

    def __init__(self, config: WorkerConfig, *, size: int, timeout: float, cache: bool = False) -> None:
        self._config = replace(config, parent_pid=os.getpid())
        self.cache = AnswerCache(config.path) if cache else None
        # Every worker is started from this one long-lived thread: a worker's parent-death
        # signal fires when the thread that started it ends.
        self._spawner = ThreadPoolExecutor(1, thread_name_prefix="kg-sparql-spawner")
        self.timeout = timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        workers = [self._new_worker() for _ in range(size)]
        try:
            for worker in workers:
                worker.wait_ready()
        except WorkerStartError:
            self.close()
            raise
        for worker in workers:
            self._idle.put(worker)
        self.sandboxed = all(w.sandboxed for w in workers)

    def _new_worker(self) -> _Worker:
        worker = self._spawner.submit(_Worker, self._config).result()
        with self._lock:
            self._all.add(worker)
        return worker

    def _forget(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.kill()

    def run(self, job: Job) -> Reply:
        """The reply to a job: from the cache when the pool keeps one and the job is a query."""
        if self.cache is not None and job.kind == "query":
            return self.cache.get(job, lambda: self._run(job))
        return self._run(job)

    def _run(self, job: Job) -> Reply:
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            return text_reply(503, f"the server is busy: no query worker became free within "
                                   f"{self.timeout:g} s; try again later")
        try:
            worker.conn.send(job)
            if worker.conn.poll(self.timeout):
                reply = worker.conn.recv()
                if reply.retire:            # the worker exits after this reply
                    self._replace(worker)
                else:
                    self._idle.put(worker)
                return reply
        except (EOFError, OSError) as err:
            over = self._config.memory_limit and worker.ran_out_of_memory()
            self._replace(worker)
            if over:
                return memory_reply(self._config.memory_limit, job.text)
            return text_reply(500, f"the query worker crashed ({err}); the query was not answered")
        self._replace(worker)
        return text_reply(503, f"the {job.kind} ran longer than this endpoint's time limit of "
                               f"{self.timeout:g} s and was cancelled; narrow it or add a LIMIT")

    def _replace(self, worker: _Worker) -> None:
        """Kill the worker and start its successor without making the caller wait."""
        self._forget(worker)
        if not self._closed:
            threading.Thread(target=self._start_successor, name="kg-sparql-respawn", daemon=True).start()

    def _start_successor(self) -> None:
        try:
            worker = self._new_worker()
        except RuntimeError:            # the pool closed meanwhile: its spawner is gone
            return
        try:
            worker.wait_ready()
        except WorkerStartError as err:
            self._forget(worker)
            print(f"kg serve: could not restart a query worker: {err}", file=sys.stderr)
            return
        if self._closed:
            self._forget(worker)
        else:
            self._idle.put(worker)

    def close(self) -> None:
        """Stop every worker, idle or busy; idempotent."""
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        deadline = time.monotonic() + 5.0
        for worker in workers:
            if time.monotonic() < deadline:
                worker.stop()
            else:
                worker.kill()
        self._spawner.shutdown(wait=False)
