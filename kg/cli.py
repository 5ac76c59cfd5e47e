"""The `kg` command: argument parsing and printing only; the library does the work.

The commands that turn a build into other views (export, stats, path, view) are in
kg.cli_views, what the commands share (the app, the consoles, printing) in kg.cli_output.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from kg.cli_output import app, build_folder, err, fail, out, plural, rich_table


def _check_build_target(out_dir: Path, into: bool) -> None:
    """--into needs a build; --out needs a new or empty folder, or a build it may replace."""
    from kg.store.layout import is_build

    if into and not is_build(out_dir):
        fail(f"{out_dir} is not a newskg build; to make a new one, use --out {out_dir}")
    if not into and out_dir.exists():
        if not out_dir.is_dir():
            fail(f"{out_dir} is a file; --out needs a folder")
        if not is_build(out_dir) and any(out_dir.iterdir()):
            fail(f"{out_dir} holds other files and is not a newskg build; a build would overwrite "
                 "what has the same names: choose a new or empty folder")


@app.command()
def build(
    inputs: Annotated[list[Path], typer.Argument(help="Article files (.txt, .html, .jsonl) or folders.",
                                                 metavar="ARTICLES")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="The build folder to write (new, empty, or "
                                          "a build to replace).", metavar="DIR")] = Path("build"),
    into: Annotated[Optional[Path], typer.Option(help="Add the articles to this existing build instead.",
                                                 metavar="DIR")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Processes (default: all cores).",
                                                metavar="N")] = None,
    model: Annotated[Optional[str], typer.Option(help="spaCy model name (default: best installed).",
                                                 metavar="NAME")] = None,
    explorer: Annotated[bool, typer.Option(help="Also write explorer.html.")] = True,
    corrections: Annotated[Optional[Path], typer.Option(
        help="Analyst corrections to apply (copied into the build as corrections.yaml).")] = None,
) -> None:
    """Build the knowledge graph of ARTICLES into a build folder (or add them to one with --into).

    \b
    Examples:
      kg build articles/ --out build/
      kg build today.jsonl --into build/ --jobs 2
    """
    from kg.build import NothingToBuild
    from kg.build import build as run_build
    from kg.ingest.readers import SUPPORTED_SUFFIXES, count_articles
    from kg.resolve.corrections import CorrectionsError

    _check_build_target(into or out_dir, into is not None)
    if into is not None:
        out_dir = into

    with Progress(TextColumn("[bold]parsing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("articles", total=count_articles(inputs) or None)
        try:
            result = run_build(inputs, out_dir, model=model, explorer=explorer, jobs=jobs,
                               into=into is not None, on_article=lambda n: bar.advance(task, n),
                               corrections=corrections)
        except (CorrectionsError, OSError) as failure:
            fail(str(failure))
        except KeyboardInterrupt:
            err.print(f"interrupted: the build in {out_dir} was not finished", highlight=False, markup=False)
            raise typer.Exit(130) from None
        except NothingToBuild as failure:
            for e in failure.errors:
                err.print(f"skipped {e}", highlight=False, markup=False, style="red")
            if not failure.errors:
                fail(f"no article to build: {', '.join(map(str, inputs))} hold no "
                      f"{', '.join(SUPPORTED_SUFFIXES)} files; nothing was written to {out_dir}", 1)
            fail(f"{failure}; nothing was written to {out_dir}", 1)
    for e in result.errors:
        err.print(f"skipped {e}", highlight=False, markup=False, style="red")
    _summary(result, out_dir)
    if result.errors:
        raise typer.Exit(1)


def _summary(result, out_dir: Path) -> None:
    c = result.counts
    out.print(f"{plural(len(result.documents), 'article')} parsed; the build holds "
              f"{plural(c['articles'], 'article')}: {plural(c['entities'], 'entity', 'entities')}, "
              f"{plural(c['events'], 'event')}, {plural(c['mentions'], 'mention')}, "
              f"{plural(c['triples'], 'triple')} ({result.timings['total']:.1f} s) -> {out_dir}/",
              highlight=False, markup=False)
    for o in result.report.get("corrections", []):
        if o["status"] != "applied":  # stale, ambiguous or redundant: never silently ignored
            err.print(f"correction {o['status']}: {o['correction']}: {o['message']}", highlight=False,
                      markup=False, style="yellow")


@app.command()
def remove(
    build_dir: Annotated[Path, build_folder()],
    doc: Annotated[list[str], typer.Option("--doc", help="Id of an article to take out (repeatable).",
                                           metavar="ID")],
    explorer: Annotated[bool, typer.Option(help="Also rewrite explorer.html.")] = True,
) -> None:
    """Take articles out of a build.

    \b
    Example:
      kg remove build/ --doc pentagon-iraq-drawdown
    """
    from kg.build import remove as run_remove

    try:
        result = run_remove(build_dir, doc, explorer=explorer)
    except (KeyError, FileNotFoundError) as failure:
        fail(str(failure).strip("'\""))
    _summary(result, build_dir)


@app.command()
def fix(
    build_dir: Annotated[Path, build_folder()],
    op: Annotated[str, typer.Argument(help="merge, split, type, drop or sameas.", metavar="ACTION")],
    args: Annotated[list[str], typer.Argument(
        help="merge A B | split NAME | type NAME CLASS | drop NAME | sameas NAME QID; a node is named by "
             "its label, another of its names, or its key.", metavar="NAME...")],
    note: Annotated[Optional[str], typer.Option(help="Why: kept with the correction.")] = None,
    explorer: Annotated[bool, typer.Option(help="Also rewrite explorer.html.")] = True,
) -> None:
    """Correct the graph (merge, split, type, drop, sameas): the correction is kept in the build's
    corrections.yaml, applied at every build, and the graph is rebuilt from the stored records.

    \b
    Examples:
      kg fix build/ merge "Ahmed al-Sharaa" "al-Julani"
      kg fix build/ type "Quds Force" Organization
    """
    from kg.build import fix as run_fix
    from kg.resolve.corrections import CorrectionsError, make

    try:
        correction = make(op, args, note)
        result = run_fix(build_dir, correction, explorer=explorer)
    except (CorrectionsError, FileNotFoundError) as failure:
        fail(str(failure).strip("'\""))
    for o in result.report.get("corrections", []):
        if o["correction"] == str(correction):
            out.print(f"{o['status']}: {o['correction']}: {o['message']}", highlight=False, markup=False)
    _summary(result, build_dir)


@app.command()
def query(
    build_dir: Annotated[Optional[Path], typer.Argument(help="A build folder.", metavar="DIR")] = None,
    sparql: Annotated[Optional[str], typer.Argument(help="A SPARQL query (prefixes predeclared).",
                                                    metavar="QUERY")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", "-f", help="Read the query from a .rq file.",
                                                 metavar="FILE")] = None,
    saved: Annotated[Optional[str], typer.Option(help="Run a saved question by name (see --list).",
                                                 metavar="NAME")] = None,
    param: Annotated[Optional[list[str]], typer.Option(help="A saved question's parameter (repeatable).",
                                                       metavar="NAME=VALUE")] = None,
    list_saved: Annotated[bool, typer.Option("--list", help="List the saved questions.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table, or json, xml, csv, tsv (SELECT, ASK); "
                                     "ttl, nt, jsonld, rdfxml (CONSTRUCT, DESCRIBE).",
                                     metavar="FORMAT")] = "table",
) -> None:
    """Run a SPARQL query, a .rq file or a saved question over a build.

    The default graph is the union of the build's graphs, each triple once; GRAPH ?g { } reads
    one article's graph.

    \b
    Examples:
      kg query build/ 'SELECT ?name WHERE { ?p a kg:Person ; rdfs:label ?name }'
      kg query build/ --saved events-of-actor --param actor=Sharaa --format csv
      kg query --list
    """
    from kg.query.results import FORMATS
    from kg.query.saved import list_saved as saved_queries
    from kg.query.saved import parse_param_args, run_saved
    from kg.query.sparql import QueryError, run, serialize, table
    from kg.store.dataset import NotABuild

    if list_saved:
        out.print(rich_table("Saved questions", ("name", "parameters", "what it answers"),
                         ((q.name, ", ".join(p.name + ("" if p.required else "?") for p in q.params), q.title)
                          for q in saved_queries())))
        return
    if fmt != "table" and fmt not in FORMATS:
        fail(f"unknown format {fmt!r}; choose table, {', '.join(FORMATS)}")
    if build_dir is None or [sparql, file, saved].count(None) != 2:
        fail("give a build folder and exactly one of: a query, --file, --saved")
    try:
        if saved:  # names are looked up in the store first: the query then starts from them
            results = run_saved(build_dir, saved, parse_param_args(param or []))
        else:
            results = run(build_dir, file.read_text("utf-8") if file else sparql)
        if fmt != "table":
            sys.stdout.buffer.write(serialize(results, fmt))
            return
        t = table(results)
    except (QueryError, NotABuild, OSError, UnicodeDecodeError) as failure:
        fail(str(failure))
    out.print(rich_table("", t.variables, t.rows))
    err.print(plural(len(t.rows), "row"), highlight=False)


@app.command()
def validate(build_dir: Annotated[Path, build_folder()]) -> None:
    """Check a build against the SHACL shapes of ontology/shapes.ttl.

    \b
    Example:
      kg validate build/
    """
    from kg.rdf.validate import validate as run_validate
    from kg.store.dataset import NotABuild, load_dataset

    try:
        report = run_validate(load_dataset(build_dir))
    except NotABuild as failure:
        fail(str(failure))
    out.print(report.text(), highlight=False, markup=False)
    if not report.conforms:
        raise typer.Exit(1)


@app.command("eval")
def evaluate(
    gold: Annotated[Path, typer.Argument(help="A gold file (kg-gold/1 YAML).", metavar="GOLD")],
    build_dir: Annotated[Path, build_folder()],
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON.")] = False,
) -> None:
    """Measure a build against gold annotations.

    \b
    Example:
      kg eval tests/heldout/gold.yaml build/ --json
    """
    from kg.evaluation.evaluate import evaluate as run_eval
    from kg.evaluation.evaluate import load_gold
    from kg.store.dataset import NotABuild, load_dataset

    try:
        report = run_eval(load_gold(gold), load_dataset(build_dir))
    except (NotABuild, ValueError, OSError) as failure:
        fail(str(failure))
    if as_json:
        out.print_json(json.dumps(report.as_dict()))
        return
    view = Table("measure", "value", "detail")
    for row in report.rows():
        view.add_row(*(str(c) for c in row))
    out.print(view)


@app.command()
def serve(
    build_dir: Annotated[Path, build_folder()],
    host: Annotated[str, typer.Option(help="Address to bind: loopback unless --public.",
                                      metavar="ADDRESS")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0 picks a free one).", metavar="N")] = 7878,
    public: Annotated[bool, typer.Option("--public", help="Allow an address other machines reach (e.g. 0.0.0.0), "
                                         "and requests to any host name.")] = False,
    timeout: Annotated[float, typer.Option(help="Seconds a query may run.", metavar="SECONDS")] = 10.0,
    max_results: Annotated[int, typer.Option(help="Most rows or triples a query may return.", metavar="N")] = 100_000,
    max_answer: Annotated[int, typer.Option(help="Largest answer, in MB.", metavar="MB")] = 64,
    max_memory: Annotated[int, typer.Option(help="Memory a query worker may hold, in MB (0: no limit); a "
                                            "query needing more is stopped.", metavar="MB")] = 1024,
    workers: Annotated[Optional[int], typer.Option(help="Query worker processes.", metavar="N")] = None,
    allow_update: Annotated[bool, typer.Option(help="Accept SPARQL Update (needs --token).")] = False,
    token: Annotated[Optional[str], typer.Option(envvar="KG_SERVE_TOKEN", help="Bearer token for updates.",
                                                 metavar="TOKEN")] = None,
    quiet: Annotated[bool, typer.Option(help="Do not log requests.")] = False,
) -> None:
    """Serve a build over the SPARQL 1.1 Protocol (read-only by default), with its explorer and files.

    \b
    Examples:
      kg serve build/ --port 7878
      kg serve build/ --host 0.0.0.0 --public --max-memory 2048
    """
    from kg.serve.server import make_server, serve_until_stopped
    from kg.store.dataset import NotABuild

    try:
        server = make_server(build_dir, host, port, timeout=timeout, max_results=max_results,
                             max_answer_mb=max_answer, max_memory_mb=max_memory, workers=workers,
                             allow_update=allow_update, token=token, quiet=quiet, public=public)
    except (NotABuild, ValueError) as failure:
        fail(str(failure))
    except OSError as failure:
        fail(failure.strerror or str(failure), 1)
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    mode = "updates: POST /update" if allow_update else "read-only"
    if public:
        err.print(f"warning: serving {build_dir} to every machine that can reach {host}:"
                  f"{server.server_address[1]}, under any host name; anyone there can read the whole "
                  "build (graph files and report.json included)", style="bold yellow", highlight=False,
                  markup=False)
    err.print(f"serving {build_dir} at {server.url}sparql ({mode}); Ctrl-C stops", highlight=False, markup=False)
    serve_until_stopped(server)


@app.command()
def push(
    build_dir: Annotated[Path, build_folder()],
    endpoint: Annotated[str, typer.Option(help="Graph Store Protocol (or SPARQL Update) URL.", metavar="URL")],
    graph: Annotated[Optional[str], typer.Option(help="Put everything into this one graph IRI.",
                                                 metavar="IRI")] = None,
    user: Annotated[Optional[str], typer.Option(help="User name.", metavar="NAME")] = None,
    password: Annotated[Optional[str], typer.Option(envvar="KG_PUSH_PASSWORD", help="Password.",
                                                    metavar="PASSWORD")] = None,
    auth: Annotated[str, typer.Option(help="basic or digest.", metavar="KIND")] = "basic",
    gsp_url: Annotated[Optional[str], typer.Option(help="Graph Store Protocol URL, if not --endpoint.",
                                                   metavar="URL")] = None,
    update_url: Annotated[Optional[str], typer.Option(help="SPARQL Update URL for the fallback.",
                                                      metavar="URL")] = None,
    method: Annotated[str, typer.Option(help="auto, gsp or update.", metavar="METHOD")] = "auto",
    batch_size: Annotated[int, typer.Option(min=1, help="Triples per SPARQL Update request.", metavar="N")] = 1000,
    retries: Annotated[int, typer.Option(min=0, help="Retries on transient errors.", metavar="N")] = 3,
) -> None:
    """Upload a build into a triple store, one named graph per article (or all into --graph).

    \b
    Example:
      kg push build/ --endpoint http://127.0.0.1:7878/store
    """
    from kg.exchange.push import PushError
    from kg.exchange.push import push as run_push
    from kg.store.dataset import NotABuild

    try:
        summary = run_push(build_dir, endpoint, graph_per_article=graph is None, graph=graph, user=user,
                           password=password, auth=auth, gsp_url=gsp_url, update_url=update_url,
                           method=method, batch_size=batch_size, retries=retries,
                           progress=lambda g, n: err.print(f"sent {g} ({n} triples)", highlight=False,
                                                           markup=False))
    except PushError as failure:
        fail(str(failure), 1)
    except (ValueError, NotABuild) as failure:
        fail(str(failure))
    out.print(str(summary), highlight=False, markup=False)


import kg.cli_views  # noqa: E402, F401  (registers export, stats, path and view, after the above)


def main() -> None:  # pragma: no cover - console entry point
    app()
