"""`python -m bench.endpoint BUILD`: answer times of `kg serve` under concurrent clients.

The server runs as its own process (`kg serve --port 0`), so the clients' threads never share a
GIL with it; its whole process tree (server and query workers) is sampled for memory. Each
client loops over a mix of queries for `--seconds` (GET and POST alternating) and every answer
is timed. `--hostile N` adds N clients that keep sending the cartesian-product sort of issue 14
(each answer must be a refusal, never a 200), to see what honest clients suffer meanwhile.
`--distinct` makes every honest query unique (a different LIMIT), so no cache can answer it.

    python -m bench.endpoint /tmp/newskg-bench/build-300 --clients 20 --seconds 30 [--hostile 1]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

from bench.measure import TreeMemory

MIX = [  # (query, Accept): the endpoint test's mix (the first five) plus two of ontology/README.md's examples
    ("SELECT ?p WHERE { ?p a kg:Person } ORDER BY ?p", None),
    ("SELECT ?p WHERE { ?p a kg:Person } ORDER BY ?p", "text/csv"),
    ("ASK { ?s ?p ?o }", None),
    ("CONSTRUCT { ?p a kg:Person ; rdfs:label ?l } WHERE { ?p a kg:Person ; rdfs:label ?l }", "text/turtle"),
    ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "application/sparql-results+xml"),
    ("SELECT ?person ?label WHERE { ?person a kg:Person ; rdfs:label ?label } ORDER BY ?label", None),
    ("SELECT ?personName ?title ?article WHERE { ?post a org:Membership ; org:member/rdfs:label ?personName ;"
     " org:role/rdfs:label ?title ; gaf:denotedBy/nif:referenceContext/schema:identifier ?article }"
     " ORDER BY ?personName ?title", "text/csv"),
]
HOSTILE = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"


def start_server(build: Path, extra: list[str]) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen([sys.executable, "-c", "from kg.cli import app; app()", "serve", str(build), "--port", "0", "--quiet",
                               *extra], stderr=subprocess.PIPE, text=True)
    for line in server.stderr:
        found = re.search(r"(http://\S+/)sparql", line)
        if found:
            threading.Thread(target=server.stderr.read, daemon=True).start()   # keep the pipe drained
            return server, found.group(1) + "sparql"
    raise RuntimeError(f"the server did not start (exit {server.wait()})")


def client(url: str, deadline: float, index: int, distinct: bool, mix: list, times: list,
           statuses: Counter) -> None:
    for i in range(100_000):
        if time.monotonic() > deadline:
            return
        query, accept = mix[(index + i) % len(mix)]
        if distinct and not query.startswith("ASK"):
            query += f" LIMIT {1_000_000 + index * 100_000 + i}"
        form = urlencode({"query": query}).encode() if i % 2 else None
        req = urllib.request.Request(url + ("" if form else "?" + urlencode({"query": query})), data=form,
                                     headers={"Accept": accept or "*/*"})
        started = time.monotonic()
        try:
            with urllib.request.urlopen(req, timeout=60) as response:
                response.read()
                statuses[response.status] += 1
        except urllib.error.HTTPError as err:
            statuses[err.code] += 1
        except OSError as err:
            statuses[type(err).__name__] += 1
        times.append(time.monotonic() - started)


def hostile(url: str, deadline: float, statuses: Counter) -> None:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "?" + urlencode({"query": HOSTILE}), timeout=60) as response:
                response.read()
                statuses[f"hostile {response.status}"] += 1
        except urllib.error.HTTPError as err:
            statuses[f"hostile {err.code}"] += 1
        except OSError as err:
            statuses[f"hostile {type(err).__name__}"] += 1


def measure(build: Path, *, clients: int, seconds: float, hostiles: int, distinct: bool, mix: list,
            extra: list[str]) -> dict:
    server, url = start_server(build, extra)
    try:
        with TreeMemory(server.pid, interval=0.05) as memory:
            times: list[float] = []
            statuses: Counter = Counter()
            deadline = time.monotonic() + seconds
            threads = [threading.Thread(target=client, args=(url, deadline, i, distinct, mix, times, statuses))
                       for i in range(clients)]
            threads += [threading.Thread(target=hostile, args=(url, deadline, statuses)) for _ in range(hostiles)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(seconds + 120)
    finally:
        server.terminate()
        server.wait(30)
    ordered = sorted(times)
    return {"answers": len(times), "statuses": dict(sorted((str(k), v) for k, v in statuses.items())),
            "p50_s": round(statistics.median(ordered), 3) if ordered else None,
            "p95_s": round(ordered[int(0.95 * (len(ordered) - 1))], 3) if ordered else None,
            "max_s": round(ordered[-1], 3) if ordered else None,
            "peak_tree_rss_mb": round(memory.peak / 2**20)}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench.endpoint", description=__doc__.split("\n")[0])
    ap.add_argument("build", type=Path)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--hostile", type=int, default=0, help="clients sending the cartesian-product sort")
    ap.add_argument("--distinct", action="store_true", help="make every query unique (no cache hits)")
    ap.add_argument("--mix", choices=("test", "all"), default="all",
                    help="test: the endpoint test's five queries; all: with two documented examples")
    ap.add_argument("serve_options", nargs="*", help="extra `kg serve` options, after --")
    args = ap.parse_args(argv)
    result = measure(args.build, clients=args.clients, seconds=args.seconds, hostiles=args.hostile,
                     distinct=args.distinct, mix=MIX[:5] if args.mix == "test" else MIX,
                     extra=args.serve_options)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
