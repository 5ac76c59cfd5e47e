"""Running things: the real `kg build` on a corpus, and the spaCy floor over the same texts.

The build runs as a child process through the command line, exactly as a user runs it, and is
reused while its input (and the model asked for) are unchanged, so scoring again takes seconds;
its wall time is measured around that process and kept beside the build.

A failed build is tried once more with `guard` applied: newskg 0.1.0 stops the whole build with
an IndexError when an article's last token is a number ("prices rose to 94"), so those
articles get " ." appended (after every gold span, so no score moves). The retry is recorded in
the results and printed; once the product is fixed the first build succeeds and nothing changes.

The floor is the same spaCy model the build used, alone, over the same texts: its `doc.ents`
become PER / ORG / LOC mentions (GPE, LOC and FAC are places; NORP, a nationality or group, is
not) and its DATE / TIME entities time spans without a value. Scored by the same functions as
the product, the gap between the two is what newskg adds (or loses). Its output is cached beside
the build, keyed by the texts and the model.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench.quality.common import Doc, Mention, write_jsonl

STAMP = "quality-build.json"  # written into the build folder once the build succeeded
GUARD = "final ' .' after articles ending in a number (kg build crashed on them)"


@dataclass(frozen=True)
class BuildRun:
    dir: Path
    seconds: float  # wall clock
    reused: bool
    docs: list[Doc]  # the documents as built (guarded when the first build failed)
    workaround: str | None = None
    cpu_seconds: float | None = None  # user + system of kg build and its workers
    load: float | None = None  # 1-minute load average when the build started (a busy machine)


def guard(docs: list[Doc]) -> list[Doc]:
    """Articles whose text ends in a digit get ' .' appended; the others are unchanged."""
    return [Doc(d.id, d.text + " .", d.published) if re.search(r"\d\s*$", d.text) else d for d in docs]


def input_hash(jsonl: Path, model: str | None) -> str:
    digest = hashlib.sha256(jsonl.read_bytes())
    digest.update(f"\nmodel={model or ''}".encode())
    return digest.hexdigest()


def ensure_build(docs: list[Doc], work: Path, *, model: str | None = None, jobs: int = 2,
                 rebuild: bool = False, log=print) -> BuildRun:
    """The build of `docs` under `work/build`, made (or remade) only when needed."""
    work.mkdir(parents=True, exist_ok=True)
    jsonl = work / "input.jsonl"
    write_jsonl(docs, jsonl)
    wanted = input_hash(jsonl, model)
    out = work / "build"
    stamp = out / STAMP
    if not rebuild and stamp.exists():
        saved = json.loads(stamp.read_text())
        if saved.get("input_sha256") == wanted and (out / "graph.trig").exists():
            used = guard(docs) if saved.get("workaround") else docs
            return BuildRun(out, saved["seconds"], True, used, saved.get("workaround"), saved.get("cpu_seconds"),
                            saved.get("load"))
    seconds, cpu, load, done = _build(jsonl, out, model, jobs, len(docs), log)
    used, workaround = docs, None
    if not (out / "graph.trig").exists():
        log(f"  kg build failed (exit {done.returncode}): {_last_line(done.stderr)}")
        used, workaround = guard(docs), GUARD
        log(f"  retrying with a workaround: {GUARD}")
        guarded = work / "input-guarded.jsonl"
        write_jsonl(used, guarded)
        seconds, cpu, load, done = _build(guarded, out, model, jobs, len(docs), log)
        if not (out / "graph.trig").exists():
            raise RuntimeError(f"kg build failed (exit {done.returncode}):\n{done.stdout[-2000:]}\n"
                               f"{done.stderr[-3000:]}")
    if done.returncode != 0:  # some inputs unreadable: the others are built; say so
        log(f"  kg build exit code {done.returncode}: {_last_line(done.stderr)}")
    stamp.write_text(json.dumps({"input_sha256": wanted, "seconds": seconds, "documents": len(docs),
                                 "exit_code": done.returncode, "workaround": workaround, "cpu_seconds": cpu,
                                 "load": load}, indent=2, sort_keys=True) + "\n")
    return BuildRun(out, seconds, False, used, workaround, cpu, load)


def _build(jsonl: Path, out: Path, model: str | None, jobs: int, n: int, log):
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-c", "from kg.cli import app; app()", "build", str(jsonl), "--out", str(out),
           "--jobs", str(jobs), "--no-explorer"]
    if model:
        cmd += ["--model", model]
    log(f"  kg build {jsonl.name} ({n} documents) -> {out}")
    load = round(os.getloadavg()[0], 1)
    before, began = _children_cpu(), time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    wall = round(time.perf_counter() - began, 1)
    return wall, round(_children_cpu() - before, 1), load, done


def _children_cpu() -> float:
    """CPU seconds of every finished child process and its own waited-for children (workers)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


# --- the floor -------------------------------------------------------------------------------

ENTITY_LABELS = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
TIME_LABELS = ("DATE", "TIME")


def floor_mentions(spacy_ents: list[tuple[str, int, int, str]]) -> tuple[list[Mention], list[Mention]]:
    """(doc, start, end, spaCy label) -> entity mentions and time mentions (value '')."""
    entities = [Mention(d, s, e, ENTITY_LABELS[lab]) for d, s, e, lab in spacy_ents if lab in ENTITY_LABELS]
    times = [Mention(d, s, e, "") for d, s, e, lab in spacy_ents if lab in TIME_LABELS]
    return sorted(set(entities)), sorted(set(times))


def run_floor(model: str, docs: list[Doc], cache_dir: Path, log=print, fresh: bool = False) -> dict:
    """{'entities': [...], 'times': [...], 'seconds': s} for the docs; cached per texts and model
    (`fresh`: run again anyway, for fresh timings)."""
    digest = hashlib.sha256(model.encode())
    for d in docs:
        digest.update(b"\0" + d.id.encode() + b"\0" + d.text.encode())
    cache = cache_dir / f"floor-{model}.json"
    if cache.exists() and not fresh:
        saved = json.loads(cache.read_text())
        if saved.get("sha256") == digest.hexdigest():
            return _restore(saved)
    import spacy  # slow to import: only when the floor is not cached

    log(f"  floor: spaCy {model} over {len(docs)} documents")
    nlp = spacy.load(model)
    began, cpu = time.perf_counter(), time.process_time()
    ents = []
    for d, parsed in zip(docs, nlp.pipe((d.text for d in docs), batch_size=16)):
        ents += [(d.id, e.start_char, e.end_char, e.label_) for e in parsed.ents]
    saved = {"sha256": digest.hexdigest(), "seconds": round(time.perf_counter() - began, 1),
             "cpu_seconds": round(time.process_time() - cpu, 1), "ents": ents}
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(saved) + "\n")
    return _restore(saved)


def _restore(saved: dict) -> dict:
    entities, times = floor_mentions([tuple(e) for e in saved["ents"]])
    return {"entities": entities, "times": times, "seconds": saved["seconds"], "cpu_seconds": saved.get("cpu_seconds")}
