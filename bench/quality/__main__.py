"""`python -m bench.quality`: build each corpus with `kg build`, score the build and the spaCy floor.

    python -m bench.quality                          # every corpus found under the devdata folder
    python -m bench.quality --corpora conll2003,tbaq --workdir /tmp/q   # keep builds for re-scoring
    python -m bench.quality --model en_core_web_sm --rebuild
    python -m bench.quality --table                  # Markdown table of bench/results/quality.json
    python -m bench.quality --workdir /tmp/q --errors   # also WORKDIR/CORPUS/errors.json (examples)

Corpora come from $NEWSKG_DEVDATA (default ../shared/devdata); a missing one is skipped with a
line saying so. Builds are reused while their input is unchanged (--rebuild forces). Results
(fractions, deterministic key order) go to bench/results/quality.json; corpora not run this time
keep their earlier rows.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from bench.quality import conll03, conll04, errors, meantime, meantime_score, tempeval
from bench.quality.common import REPO, devdata_root, inside
from bench.quality.product import Build, model_name
from bench.quality.runs import ensure_build, run_floor

RESULTS = REPO / "bench" / "results" / "quality.json"
CORPORA = ("conll2003", "meantime", "tbaq", "conll04")
FOLDERS = {"conll2003": "conll2003", "meantime": "meantime", "tbaq": "tempeval3-tbaq", "conll04": "conll04"}
TITLES = {"conll2003": conll03.TITLE, "meantime": meantime_score.TITLE, "tbaq": tempeval.TITLE,
          "conll04": conll04.TITLE}


def load_corpus(name: str, root: Path):
    """The corpus' documents and gold, or None when its folder is absent."""
    if name == "conll2003":
        return conll03.load(root)
    if name == "meantime":
        intra = meantime.load(root)
        cross = meantime.load(root, "intra_cross-doc_annotation")
        if intra is None or cross is None:
            return None
        if [a.doc for a in intra] != [a.doc for a in cross]:
            raise ValueError("MEANTIME: intra-doc and intra_cross-doc texts differ")
        return intra, cross
    if name == "tbaq":
        return tempeval.load(root)
    return conll04.load(root)


def documents(name: str, corpus) -> list:
    return [a.doc for a in corpus[0]] if name == "meantime" else corpus.docs


def score(name: str, corpus, build: Build, floor: dict) -> tuple[list[dict], dict]:
    """Rows and details of one corpus, the product read from its build, the floor from spaCy."""
    if name == "conll2003":
        return conll03.score(corpus, build.entity_mentions(), floor["entities"])
    if name == "tbaq":
        return tempeval.score(corpus, build.times(), floor["times"])
    entities = build.entity_mentions()
    every = build.entity_mentions(demonyms=True)
    if name == "conll04":
        return conll04.score(corpus, build.relations(), every, entities, floor["entities"])
    intra, cross = corpus
    ents = (meantime_score.entity_scores(intra, entities), meantime_score.entity_scores(intra, floor["entities"]))
    events = meantime_score.event_scores(intra, build.events(), every)
    coref = meantime_score.coref_scores(cross, every)
    time_rows, times = meantime_score.time_measures(intra, build.times(), floor["times"])
    rows = (meantime_score.entity_rows(*ents) + meantime_score.event_rows(events)
            + meantime_score.coref_rows(coref) + time_rows)
    return rows, {"entities": {"newskg": ents[0], "floor": ents[1]}, "events": events, "coref": coref,
                  "times": times}


def error_report(name: str, corpus, build: Build, floor: dict) -> dict:
    """Error categories with examples (corpus text: written to the work folder only)."""
    texts = {d.id: d.text for d in documents(name, corpus)}
    if name == "conll2003":
        pred = build.entity_mentions()
        keep = [m for m in corpus.gold if m.label in conll03.LABELS]
        return {"running text": errors.entity_errors(inside(keep, corpus.running), inside(pred, corpus.running), texts),
                "all text": errors.entity_errors(keep, pred, texts),
                "floor, running text": errors.entity_errors(inside(keep, corpus.running),
                                                            inside(floor["entities"], corpus.running), texts)}
    if name == "tbaq":
        return {"newskg": errors.time_errors(corpus.gold, build.times(), texts)}
    if name == "conll04":
        return errors.relation_errors(corpus.relations, build.relations(), build.entity_mentions(demonyms=True), texts)
    intra, _ = corpus
    region = meantime_score.dense(intra)
    nam = inside([g.mention for a in intra for g in a.entities
                  if g.syntactic_type == "NAM" and g.mention.label in meantime_score.LABELS], region)
    gold_times = meantime_score.dense_timexes(intra)
    return {"entities": errors.entity_errors(nam, inside(build.entity_mentions(), region), texts),
            "events": errors.event_errors(intra, build.events(), meantime_score.EVENT_CLASSES),
            "times": errors.time_errors(gold_times, inside(build.times(), region), texts)}


def run(names: list[str], root: Path, workdir: Path, model: str | None, jobs: int, rebuild: bool,
        results: dict, with_errors: bool = False, with_floor: bool = True) -> dict:
    """Score the named corpora; `results` (the previous file) keeps the corpora not run.
    Without the floor (`with_floor=False`, as the CI floor test runs it) the floor column is empty."""
    corpora, skipped, version = results.get("corpora", {}), [], results.get("newskg")
    rows = {n: [r for r in results.get("rows", []) if r["corpus"] == TITLES[n]] for n in CORPORA}
    for name in names:
        corpus = load_corpus(name, root)
        if corpus is None:
            line = f"{name}: corpus folder not found under {root}, skipped"
            print(line)
            skipped.append(line)
            continue
        docs = documents(name, corpus)
        print(f"{name}: {len(docs)} documents")
        built = ensure_build(docs, workdir / name, model=model, jobs=jobs, rebuild=rebuild)
        guarded = sum(a.text != b.text for a, b in zip(docs, built.docs))
        docs = built.docs  # as built: the workaround may have touched the end of some texts
        used = model_name(built.dir)
        version = json.loads((built.dir / "report.json").read_text()).get("newskg", version)
        build = Build(built.dir, docs)
        floor = (run_floor(used, docs, workdir / name, fresh=rebuild) if with_floor
                 else {"entities": [], "times": [], "seconds": None, "cpu_seconds": None})
        rows[name], details = score(name, corpus, build, floor)
        corpora[name] = {"title": TITLES[name], "documents": len(docs), "build_seconds": built.seconds,
                         "build_cpu_seconds": built.cpu_seconds, "load_at_build_start": built.load,
                         "build_reused": built.reused, "floor_seconds": floor["seconds"],
                         "floor_cpu_seconds": floor["cpu_seconds"], "model": used,
                         "texts_changed_by_product": len(build.texts_differ), "workaround": built.workaround,
                         "workaround_documents": guarded,
                         "documents_missing_from_build": build.missing, "details": details}
        if with_errors:
            (workdir / name / "errors.json").write_text(json.dumps(error_report(name, corpus, build, floor),
                                                                   indent=1, ensure_ascii=False) + "\n")
            print(f"  error examples: {workdir / name / 'errors.json'}")
        print(f"  build {built.seconds} s wall, {built.cpu_seconds} s CPU{' (reused)' if built.reused else ''}; "
              f"floor {floor['seconds']} s")
    models = sorted({c["model"] for c in corpora.values()})
    return {"model": ", ".join(models), "newskg": version,
            "devdata": "$NEWSKG_DEVDATA or ../shared/devdata", "corpora": corpora,
            "rows": [r for n in CORPORA for r in rows[n]], "skipped": skipped}


def pct(value: float | None) -> str:
    return "N/A" if value is None else f"{100 * value:.1f}"


def markdown(results: dict) -> str:
    lines = [f"Model: {results.get('model', '?')}; newskg {results.get('newskg', '?')}. "
             "Values in %; support = gold items (predictions for precision rows).", "",
             "| corpus | measure | newskg | floor | support | note |", "|---|---|---:|---:|---:|---|"]
    for r in results.get("rows", []):
        support = "" if r.get("support") is None else f"{r['support']:,}"
        lines.append(f"| {r['corpus']} | {r['measure']} | {pct(r['newskg'])} | {pct(r['floor'])} | "
                     f"{support} | {r.get('note', '')} |")
    lines += ["", "| corpus | documents | build wall s | build CPU s | floor wall s | floor CPU s | load | note |",
              "|---|---:|---:|---:|---:|---:|---:|---|"]
    corpora = results.get("corpora", {})
    for name in sorted(corpora, key=lambda n: CORPORA.index(n) if n in CORPORA else len(CORPORA)):
        c = corpora[name]
        note = (f"{c['workaround']}: {c.get('workaround_documents', '?')} of {c['documents']} articles"
                if c.get("workaround") else "")
        cells = [c.get(k) for k in ("build_seconds", "build_cpu_seconds", "floor_seconds", "floor_cpu_seconds",
                                    "load_at_build_start")]
        lines.append(f"| {c.get('title', name)} | {c['documents']:,} | "
                     + " | ".join("" if v is None else str(v) for v in cells) + f" | {note} |")
    for s in results.get("skipped", []):
        lines.append(f"\nskipped: {s}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.quality", description=__doc__.split("\n")[0])
    ap.add_argument("--corpora", default=",".join(CORPORA), help=f"comma-separated, of {', '.join(CORPORA)}")
    ap.add_argument("--model", default=None, help="spaCy model for kg build (default: the product's choice)")
    ap.add_argument("--workdir", type=Path, default=None, help="keep corpora JSONL and builds here")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--rebuild", action="store_true",
                    help="build (and run the floor) again even if the input is unchanged")
    ap.add_argument("--table", action="store_true", help="print the Markdown table of the saved results")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--errors", action="store_true",
                    help="write error categories with examples to WORKDIR/CORPUS/errors.json (needs --workdir)")
    args = ap.parse_args(argv)
    if args.table:
        print(markdown(json.loads(args.out.read_text())))
        return 0
    if args.errors and not args.workdir:
        ap.error("--errors needs --workdir (examples quote the corpora: they stay out of the repository)")
    names = [n.strip() for n in args.corpora.split(",") if n.strip()]
    unknown = sorted(set(names) - set(CORPORA))
    if unknown:
        ap.error(f"unknown corpora: {', '.join(unknown)}")
    with tempfile.TemporaryDirectory(prefix="newskg-quality-") as tmp:
        previous = json.loads(args.out.read_text()) if args.out.exists() else {}
        results = run(names, devdata_root(), args.workdir or Path(tmp), args.model, args.jobs, args.rebuild,
                      previous, args.errors)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
