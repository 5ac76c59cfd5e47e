"""`python -m bench`: generate the corpus, measure the floor and the build, write the results.

    python -m bench --sizes 100,1000,10000 --jobs 1,2 [--floor-sizes 100,1000] [--skip build-10000-j1]
    python -m bench --table             # print the Markdown table of bench/results/latest.json
    python -m bench --profile 200       # cProfile a 200-article jobs=1 build

Results are merged into bench/results/latest.json after every run, so a long run that is stopped
still leaves everything measured so far; a run id measured again replaces its old entry.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
from datetime import datetime, timezone
from pathlib import Path

import psutil

from bench.corpus import write_corpus
from bench.measure import REPO, run_measured

RESULTS = REPO / "bench" / "results" / "latest.json"


def machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    import spacy

    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "spacy": spacy.__version__, "os": platform.platform()}


def corpus(workdir: Path, size: int, seed: int) -> Path:
    """The corpus of `size` articles, generated once per (size, seed) and reused."""
    folder = workdir / f"corpus-{seed}-{size}"
    done = folder / ".complete"
    if not done.exists():
        write_corpus(folder, size, seed=seed)
        done.write_text("ok\n")
    return folder


def load_results() -> dict:
    return json.loads(RESULTS.read_text()) if RESULTS.exists() else {"runs": {}}


def save(results: dict) -> None:
    results["checks"] = checks(results["runs"])
    results["updated"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")


def checks(runs: dict) -> dict:
    """The issue's targets, on whatever has been measured."""
    out = {}
    b1, b2, f1 = runs.get("build-1000-j1"), runs.get("build-1000-j2"), runs.get("floor-model-1000-p1")
    if b1 and f1:
        out["build_j1_over_floor_1000"] = round(b1["seconds"] / f1["seconds"], 2)
        out["build_j1_over_floor_1000_ok"] = out["build_j1_over_floor_1000"] <= 1.25
        if b1.get("cpu_seconds") and f1.get("cpu_seconds"):  # robust to other load on the machine
            out["build_j1_over_floor_1000_cpu"] = round(b1["cpu_seconds"] / f1["cpu_seconds"], 2)
    if b1 and b2:
        out["speedup_j2_1000"] = round(b1["seconds"] / b2["seconds"], 2)
        out["speedup_j2_1000_ok"] = out["speedup_j2_1000"] >= 1.6
    for jobs in (1, 2):
        small, big = runs.get(f"build-100-j{jobs}"), runs.get(f"build-1000-j{jobs}")
        if small and big and small.get("cpu_seconds"):
            out[f"cpu_per_article_ratio_1000_vs_100_j{jobs}"] = round(
                (big["cpu_seconds"] / big["articles"]) / (small["cpu_seconds"] / small["articles"]), 2)
            out[f"memory_ratio_1000_vs_100_j{jobs}"] = round(big["peak_rss_mb"] / small["peak_rss_mb"], 2)
        small, big = runs.get(f"build-1000-j{jobs}"), runs.get(f"build-10000-j{jobs}")
        if small and big:
            out[f"time_per_article_ratio_10000_vs_1000_j{jobs}"] = round(
                (big["seconds"] / big["articles"]) / (small["seconds"] / small["articles"]), 2)
            growth = big["peak_rss_mb"] / small["peak_rss_mb"]
            out[f"memory_ratio_10000_vs_1000_j{jobs}"] = round(growth, 2)
            out[f"memory_flat_j{jobs}_ok"] = growth <= 1.2
    return out


def plan(sizes: list[int], jobs: list[int], floor_sizes: list[int], procs: list[int]) -> list[tuple]:
    steps = []
    for size in sorted(sizes):
        if size in floor_sizes:
            steps += [("floor", size, comp, p) for p in procs for comp in ("model", "model+ruler")]
        steps += [("build", size, j) for j in jobs]
    return steps


def run_id(step: tuple) -> str:
    if step[0] == "floor":
        return f"floor-{step[2]}-{step[1]}-p{step[3]}"
    return f"build-{step[1]}-j{step[2]}"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="100,1000,10000")
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--floor-sizes", default="100,1000", help="sizes the floor is measured on")
    ap.add_argument("--floor-procs", default="1,2", help="n_process values of the floor")
    ap.add_argument("--skip", default="", help="run ids to leave out, e.g. build-10000-j1")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--workdir", default="/tmp/newskg-bench")
    ap.add_argument("--query-runs", type=int, default=20)
    ap.add_argument("--no-queries", action="store_true")
    ap.add_argument("--table", action="store_true", help="only print the table of the saved results")
    ap.add_argument("--profile", type=int, metavar="N", help="only profile an N-article jobs=1 build")
    args = ap.parse_args(argv)
    ints = lambda s: [int(x) for x in s.split(",") if x]  # noqa: E731
    results, workdir = load_results(), Path(args.workdir)
    if args.table:
        print(table(results))
        return
    if args.profile:
        report = REPO / "bench" / "results" / f"profile-{args.profile}.txt"
        run_measured({"kind": "profile", "corpus": str(corpus(workdir, args.profile, args.seed)),
                      "out": str(workdir / f"profile-{args.profile}"), "report": str(report)})
        print(f"profile written to {report}")
        return
    results["machine"], results["seed"] = machine(), args.seed
    skip = set(args.skip.split(","))
    for step in plan(ints(args.sizes), ints(args.jobs), ints(args.floor_sizes), ints(args.floor_procs)):
        rid = run_id(step)
        if rid in skip:
            continue
        folder = str(corpus(workdir, step[1], args.seed))
        print(f"[{datetime.now():%H:%M:%S}] {rid} ...", file=sys.stderr, flush=True)
        if step[0] == "floor":
            spec = {"kind": "floor", "corpus": folder, "components": step[2], "n_process": step[3]}
        else:
            spec = {"kind": "build", "corpus": folder, "jobs": step[2],
                    "out": str(workdir / f"build-{step[1]}-j{step[2]}")}
        result = run_measured(spec)
        results["runs"][rid] = result
        save(results)
        print(f"    {result['seconds']} s, {result['words_per_second']} words/s, "
              f"peak {result['peak_rss_mb']} MB", file=sys.stderr, flush=True)
    builds = [r for r in results["runs"] if r.startswith("build-") and r not in skip
              and (workdir / r / "store").is_dir()]
    if builds and not args.no_queries:
        largest = max(builds, key=lambda r: (results["runs"][r]["articles"], r))
        print(f"[{datetime.now():%H:%M:%S}] saved queries on {largest} ...", file=sys.stderr, flush=True)
        results["queries"] = run_measured({"kind": "queries", "build": str(workdir / largest),
                                           "runs": args.query_runs})
        results["queries"]["build_run"] = largest
        save(results)
    print(table(results))


def table(results: dict) -> str:
    """The Markdown the README shows: machine, one row per run, checks, saved-query latency."""
    m, runs = results.get("machine", {}), results.get("runs", {})
    model = next((r["model"] for r in runs.values() if isinstance(r.get("model"), str)), "?")
    lines = [f"Machine: {m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('ram_gb', '?')} GB RAM; "
             f"Python {m.get('python', '?')}, spaCy {m.get('spacy', '?')}, model {model}.", "",
             "| run | articles | words | wall s | words/s | CPU s | words/CPU-s | x floor wall / CPU "
             "| peak RSS MB | load | stages (s) |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for rid in sorted(runs, key=_order):
        r = runs[rid]
        size = rid.split("-")[-2]
        floor = runs.get(f"floor-model-{size}-p1")
        ratio = (f"{r['seconds'] / floor['seconds']:.2f} / {r['cpu_seconds'] / floor['cpu_seconds']:.2f}"
                 if floor and rid.startswith("build") else "")
        stages = ", ".join(f"{k} {v}" for k, v in sorted(r.get("timings_seconds", {}).items())
                           if k != "total")
        load = "-".join(f"{x:.1f}" for x in r.get("load_average", []))
        lines.append(f"| {rid} | {r['articles']:,} | {r['words']:,} | {r['seconds']:,} | "
                     f"{r['words_per_second']:,.0f} | {r.get('cpu_seconds', '')} | "
                     f"{r.get('words_per_cpu_second', 0):,.0f} | {ratio} | {r['peak_rss_mb']:,.0f} | "
                     f"{load} | {stages} |")
    if results.get("checks"):
        lines += ["", "Checks: " + ", ".join(f"{k} = {v}" for k, v in results["checks"].items())]
    q = results.get("queries", {})
    if q.get("queries"):
        lines += ["", f"Saved queries on {q.get('build_run')} (median of N runs after a warm-up):", "",
                  "| query | params | rows | runs | median ms |", "|---|---|---:|---:|---:|"]
        for name, v in q["queries"].items():
            params = "; ".join(f"{k}={val}" for k, val in v["params"].items()).replace("|", "/")
            lines.append(f"| {name} | {params} | {v['rows']} | {v['runs']} | {v['median_ms']} |")
    return "\n".join(lines)


def _order(rid: str) -> tuple:
    parts = rid.split("-")
    return int(parts[-2]), parts[0] != "floor", rid


if __name__ == "__main__":
    main()
