"""Measurements, each in a fresh child process whose whole process tree is watched for memory.

A fresh process per measurement keeps runs independent (no model or gazetteer already cached, no
memory left over from the previous run) and lets the parent sample the resident memory of the
child and of every worker it forks. The child prints one JSON object on its last stdout line.

    python -m bench.measure '{"kind": "floor", "corpus": "...", "components": "model", "n_process": 1}'
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
SAMPLE_SECONDS = 0.2


class TreeMemory:
    """Peak RSS of a process plus all its descendants, sampled in a thread every 0.2 s.

    Forked workers share the parent's pages (the loaded model) copy-on-write, and RSS counts a
    shared page in every process that maps it: the sum is an upper bound of the real footprint.
    """

    def __init__(self, pid: int, interval: float = SAMPLE_SECONDS):
        self.root, self.interval = psutil.Process(pid), interval
        self.peak, self.peak_processes, self.samples = 0, 0, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                pass
        self.samples += 1
        if total > self.peak:
            self.peak, self.peak_processes = total, len(procs)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> "TreeMemory":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def cpu_seconds() -> float:
    """CPU time of this process and of every child it has waited for (pool workers included)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def run_measured(spec: dict, timeout: float | None = None) -> dict:
    """Run one measurement in a child process; its result plus peak tree memory and wall time.

    The load average before and after is kept: on a shared machine, wall times mean little
    when other processes compete for the cores, CPU seconds much more.
    """
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bench.measure", json.dumps(spec)], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with TreeMemory(proc.pid) as memory:
        out, err = proc.communicate(timeout=timeout)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"measurement {spec} failed (exit {proc.returncode}):\n{err[-3000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    result.update(peak_rss_mb=round(memory.peak / 2**20, 1), peak_processes=memory.peak_processes,
                  memory_samples=memory.samples, process_wall_seconds=round(wall, 2),
                  load_average=[round(load_before, 2), round(os.getloadavg()[0], 2)])
    if result.get("cpu_seconds"):
        result["words_per_cpu_second"] = round(result["words"] / result["cpu_seconds"], 1)
    return result


# --- what runs inside the child -----------------------------------------------------------------

def _texts(corpus: str) -> list[str]:
    """The cleaned article texts, exactly as the build would parse them."""
    from kg.ingest.readers import read_inputs
    from kg.records import Document

    return [d.text for d in read_inputs([corpus]) if isinstance(d, Document)]


def floor(spec: dict) -> dict:
    """Raw nlp.pipe over the corpus: the model's own components, or the model plus newskg's ruler."""
    import spacy

    from kg.extract.pipeline import BATCH_SIZE
    from kg.nlp.model import UNUSED_COMPONENTS, load_pipeline, model_name

    texts = _texts(spec["corpus"])
    words = sum(len(t.split()) for t in texts)
    t = time.perf_counter()
    if spec["components"] == "model":
        nlp = spacy.load(model_name(spec.get("model")), exclude=list(UNUSED_COMPONENTS))
    else:
        nlp = load_pipeline(spec.get("model"))
    load = time.perf_counter() - t
    t, cpu = time.perf_counter(), cpu_seconds()
    for _ in nlp.pipe(texts, batch_size=spec.get("batch_size", BATCH_SIZE), n_process=spec["n_process"]):
        pass
    seconds, cpu = time.perf_counter() - t, cpu_seconds() - cpu
    return {"articles": len(texts), "words": words, "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2),
            "load_seconds": round(load, 2), "words_per_second": round(words / seconds, 1),
            "pipeline": list(nlp.pipe_names), "model": f"{nlp.meta['lang']}_{nlp.meta['name']}",
            "model_version": nlp.meta.get("version")}


def build(spec: dict) -> dict:
    """kg.build.build on the corpus, as `kg build --no-explorer --jobs N` does it."""
    from kg.build import build as kg_build

    out = Path(spec["out"])
    shutil.rmtree(out, ignore_errors=True)
    t, cpu = time.perf_counter(), cpu_seconds()
    result = kg_build([spec["corpus"]], out, jobs=spec["jobs"], explorer=False)
    seconds, cpu = time.perf_counter() - t, cpu_seconds() - cpu
    words = sum(a["words"] for a in result.report["articles"])
    counts = {k: v for k, v in result.counts.items() if not isinstance(v, dict)}
    return {"articles": len(result.documents), "words": words, "seconds": round(seconds, 2),
            "cpu_seconds": round(cpu, 2),
            "words_per_second": round(words / seconds, 1),
            "parse_words_per_second": result.report["words_per_second"],
            "timings_seconds": result.report["timings_seconds"], "counts": counts,
            "model": result.report["model"], "errors": len(result.errors),
            "disk_mb": round(sum(f.stat().st_size for f in out.rglob("*") if f.is_file()) / 2**20, 1)}


def _one(store, sparql: str) -> str | None:
    from kg.store.layout import default_dataset

    rows = store.query(sparql, **default_dataset(store))
    first = next(iter(rows), None)
    return first[0].value if first is not None else None


def pick_params(store) -> dict[str, str]:
    """Sensible parameters from the build itself: its most mentioned person, place, actor..."""
    from kg.query.sparql import with_prefixes

    def top(where: str) -> str | None:
        return _one(store, with_prefixes(
            f"SELECT ?label WHERE {{ {where} ?x rdfs:label ?label }} GROUP BY ?label "
            "ORDER BY DESC(COUNT(*)) ?label LIMIT 1"))

    person = top("?x a kg:Person . ?x gaf:denotedBy ?m .")
    place = top("?e sem:hasPlace ?x .")
    actor = top("?e kg:hasAgent ?x . ?x a kg:Country .") or top("?e kg:hasAgent ?x .")
    speaker = top("?e a kg:Statement ; kg:hasSpeaker ?x .")
    role_holder = top("?ms org:member ?x .")
    return {"person": role_holder or person or "", "place": place or "", "actor": actor or "",
            "speaker": speaker or "", "entity": actor or person or "", "class": "Person",
            "type": "Withdrawal"}


def queries(spec: dict) -> dict:
    """Median latency of every saved query over a build, after one warm-up run."""
    from kg.query.saved import list_saved, run_saved
    from kg.store.dataset import open_store

    store = open_store(spec["build"])
    values = pick_params(store)
    out = {}
    for q in list_saved():
        params = {p.name: values[p.name] for p in q.params
                  if values.get(p.name) and (p.required or p.name in ("place", "actor"))}
        t = time.perf_counter()
        rows = sum(1 for _ in run_saved(spec["build"], q, params, store=store))
        first = time.perf_counter() - t
        # slow queries get fewer runs (at least one when the first took under a minute)
        runs = spec.get("runs", 20) if first < 1.5 else int(min(spec.get("runs", 20), 30 / first))
        times = [first] if runs == 0 else []
        for _ in range(runs):
            t = time.perf_counter()
            sum(1 for _ in run_saved(spec["build"], q, params, store=store))
            times.append(time.perf_counter() - t)
        out[q.name] = {"params": params, "rows": rows, "runs": max(runs, 1), "first_ms": round(first * 1e3, 1),
                       "median_ms": round(statistics.median(times) * 1e3, 1),
                       "max_ms": round(max(times) * 1e3, 1)}
    return {"build": spec["build"], "queries": out}


def profile(spec: dict) -> dict:
    """cProfile of a jobs=1 build; the top functions by own time and by cumulative time."""
    import cProfile
    import io
    import pstats

    from kg.build import build as kg_build

    out = Path(spec["out"])
    shutil.rmtree(out, ignore_errors=True)
    profiler = cProfile.Profile()
    profiler.enable()
    kg_build([spec["corpus"]], out, jobs=1, explorer=False)
    profiler.disable()
    tables = {}
    for order in ("tottime", "cumulative"):
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).strip_dirs().sort_stats(order).print_stats(spec.get("top", 35))
        tables[order] = text.getvalue()
    Path(spec["report"]).write_text("\n".join(f"## by {k}\n{v}" for k, v in tables.items()))
    return {"report": spec["report"]}


KINDS = {"floor": floor, "build": build, "queries": queries, "profile": profile}


def main(argv: list[str]) -> None:
    spec = json.loads(argv[0])
    os.chdir(REPO)
    result = KINDS[spec["kind"]](spec)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
