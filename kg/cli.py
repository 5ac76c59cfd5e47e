"""The `kg` command: argument parsing and printing only; the library does the work."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="newskg: knowledge graphs of actors, places and events from news articles.")
out = Console()
err = Console(stderr=True)


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(code)


@app.command()
def build(
    inputs: Annotated[list[Path], typer.Argument(help="Article files (.txt, .html, .jsonl) or folders.")],
    out_dir: Annotated[Path, typer.Option("--out", "-o", help="The build folder to write.")] = Path("build"),
    into: Annotated[Optional[Path], typer.Option(help="Add INPUTS to this existing build instead.")] = None,
    jobs: Annotated[Optional[int], typer.Option("--jobs", "-j", min=1, help="Processes (default: all cores).")] = None,
    model: Annotated[Optional[str], typer.Option(help="spaCy model name (default: best installed).")] = None,
    explorer: Annotated[bool, typer.Option(help="Also write explorer.html.")] = True,
    corrections: Annotated[Optional[Path], typer.Option(
        help="Analyst corrections to apply (copied into the build as corrections.yaml).")] = None,
) -> None:
    """Build the knowledge graph of INPUTS into a build folder (or add them to one with --into)."""
    from kg.build import NothingToBuild
    from kg.build import build as run_build
    from kg.resolve.corrections import CorrectionsError

    if into is not None:
        out_dir = into

    with Progress(TextColumn("[bold]parsing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("articles", total=None)
        try:
            result = run_build(inputs, out_dir, model=model, explorer=explorer, jobs=jobs,
                               into=into is not None, on_article=lambda n: bar.advance(task, n),
                               corrections=corrections)
        except (CorrectionsError, OSError) as failure:
            _fail(str(failure))
        except NothingToBuild as failure:
            for e in failure.errors:
                err.print(f"[red]skipped[/] {e}", highlight=False, markup=False)
            _fail(f"{failure}; nothing was written to {out_dir}", 1)
    for e in result.errors:
        err.print(f"skipped {e}", highlight=False, markup=False, style="red")
    _summary(result, out_dir)
    if result.errors:
        raise typer.Exit(1)


def _summary(result, out_dir: Path) -> None:
    c = result.counts
    out.print(f"{len(result.documents)} articles parsed; the build holds {c['articles']} articles: "
              f"{c['entities']} entities, {c['events']} events, {c['mentions']} mentions, "
              f"{c['triples']} triples ({result.timings['total']:.1f} s) -> {out_dir}/", highlight=False)
    for o in result.report.get("corrections", []):
        if o["status"] != "applied":  # stale, ambiguous or redundant: never silently ignored
            err.print(f"correction {o['status']}: {o['correction']}: {o['message']}", highlight=False,
                      markup=False, style="yellow")


@app.command()
def remove(
    build_dir: Annotated[Path, typer.Argument(help="A build folder.")],
    doc: Annotated[list[str], typer.Option("--doc", help="Id of an article to take out (repeatable).")],
    explorer: Annotated[bool, typer.Option(help="Also rewrite explorer.html.")] = True,
) -> None:
    """Take articles out of a build."""
    from kg.build import remove as run_remove

    try:
        result = run_remove(build_dir, doc, explorer=explorer)
    except (KeyError, FileNotFoundError) as failure:
        _fail(str(failure).strip("'\""))
    _summary(result, build_dir)


@app.command()
def fix(
    build_dir: Annotated[Path, typer.Argument(help="A build folder.")],
    op: Annotated[str, typer.Argument(help="merge, split, type, drop or sameas.")],
    args: Annotated[list[str], typer.Argument(
        help="merge A B | split NAME | type NAME CLASS | drop NAME | sameas NAME QID; a node is named by "
             "its label, another of its names, or its key.")],
    note: Annotated[Optional[str], typer.Option(help="Why: kept with the correction.")] = None,
    explorer: Annotated[bool, typer.Option(help="Also rewrite explorer.html.")] = True,
) -> None:
    """Correct the graph (merge, split, type, drop, sameas): the correction is kept in the build's
    corrections.yaml, applied at every build, and the graph is rebuilt from the stored records."""
    from kg.build import fix as run_fix
    from kg.resolve.corrections import CorrectionsError, make

    try:
        correction = make(op, args, note)
        result = run_fix(build_dir, correction, explorer=explorer)
    except (CorrectionsError, FileNotFoundError) as failure:
        _fail(str(failure).strip("'\""))
    for o in result.report.get("corrections", []):
        if o["correction"] == str(correction):
            out.print(f"{o['status']}: {o['correction']}: {o['message']}", highlight=False, markup=False)
    _summary(result, build_dir)


@app.command()
def query(
    build_dir: Annotated[Optional[Path], typer.Argument(help="A build folder.")] = None,
    sparql: Annotated[Optional[str], typer.Argument(help="A SPARQL query (prefixes predeclared).")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", "-f", help="Read the query from a .rq file.")] = None,
    saved: Annotated[Optional[str], typer.Option(help="Run a saved question by name (see --list).")] = None,
    param: Annotated[Optional[list[str]], typer.Option(help="A saved question's parameter, k=v.")] = None,
    list_saved: Annotated[bool, typer.Option("--list", help="List the saved questions.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, tsv, json, xml (ttl/nt for CONSTRUCT).")] = "table",
) -> None:
    """Run a SPARQL query, a .rq file or a saved question over a build."""
    from kg.query.saved import list_saved as saved_queries
    from kg.query.saved import run_saved
    from kg.query.sparql import QueryError, run, serialize, table
    from kg.store.dataset import NotABuild

    if list_saved:
        out.print(_table("Saved questions", ("name", "parameters", "what it answers"),
                         ((q.name, ", ".join(p.name + ("" if p.required else "?") for p in q.params), q.title)
                          for q in saved_queries())))
        return
    if build_dir is None or [sparql, file, saved].count(None) != 2:
        _fail("give a build folder and exactly one of: a query, --file, --saved")
    try:
        if saved:  # names are looked up in the store first: the query then starts from them
            results = run_saved(build_dir, saved, dict(_key_value(p) for p in param or []))
        else:
            results = run(build_dir, file.read_text("utf-8") if file else sparql)
    except (QueryError, NotABuild, OSError) as failure:
        _fail(str(failure))
    if fmt != "table":
        sys.stdout.buffer.write(serialize(results, fmt))
        return
    t = table(results)
    out.print(_table("", t.variables, t.rows))
    err.print(f"{len(t.rows)} rows", highlight=False)


def _key_value(text: str) -> tuple[str, str]:
    if "=" not in text:
        _fail(f"--param takes k=v, not {text!r}")
    key, value = text.split("=", 1)
    return key.strip(), value


@app.command()
def validate(build_dir: Annotated[Path, typer.Argument(help="A build folder.")]) -> None:
    """Check a build against the SHACL shapes of ontology/shapes.ttl."""
    from kg.rdf.validate import validate as run_validate
    from kg.store.dataset import NotABuild, load_dataset

    try:
        report = run_validate(load_dataset(build_dir))
    except NotABuild as failure:
        _fail(str(failure))
    out.print(report.text(), highlight=False, markup=False)
    if not report.conforms:
        raise typer.Exit(1)


@app.command("eval")
def evaluate(
    gold: Annotated[Path, typer.Argument(help="A gold file (kg-gold/1 YAML).")],
    build_dir: Annotated[Path, typer.Argument(help="A build folder.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the full report as JSON.")] = False,
) -> None:
    """Measure a build against gold annotations."""
    from kg.evaluation.evaluate import evaluate as run_eval
    from kg.evaluation.evaluate import load_gold
    from kg.store.dataset import NotABuild, load_dataset

    try:
        report = run_eval(load_gold(gold), load_dataset(build_dir))
    except (NotABuild, ValueError, OSError) as failure:
        _fail(str(failure))
    if as_json:
        out.print_json(json.dumps(report.as_dict()))
        return
    view = Table("measure", "value", "detail")
    for row in report.rows():
        view.add_row(*(str(c) for c in row))
    out.print(view)


def _table(title: str, columns: tuple[str, ...], rows) -> Table:
    """A rich table whose cells are shown as text, never as markup (they come from articles)."""
    view = Table(*columns, title=title, title_justify="left")
    for row in rows:
        view.add_row(*(escape(str(c)) for c in row))
    return view


@app.command("export")
def export_cmd(
    build_dir: Annotated[Path, typer.Argument(help="A build folder.")],
    fmt: Annotated[str, typer.Option("--format", "-f",
                                     help="ttl, trig, nt, nq, jsonld, rdfxml, graphml, gexf or csv.")],
    out_file: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write here (default: stdout).")] = None,
) -> None:
    """Export a build to another RDF format, to GraphML/GEXF (Gephi) or to an events CSV."""
    from kg.exchange.export import FORMATS, ExportError, export
    from kg.store.dataset import NotABuild

    if fmt not in FORMATS:
        _fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    try:
        data = export(build_dir, fmt, out_file)
    except (NotABuild, ExportError, FileNotFoundError) as failure:
        _fail(str(failure), 1)
    if out_file is None:
        sys.stdout.buffer.write(data)
    else:
        err.print(f"wrote {out_file} ({out_file.stat().st_size} bytes)", highlight=False, markup=False)


@app.command()
def stats(
    build_dir: Annotated[Path, typer.Argument(help="A build folder.")],
    top: Annotated[int, typer.Option(min=1, help="How many central actors to list.")] = 10,
) -> None:
    """Counts by class and event type, the most central actors, and communities."""
    from kg.analytics.network import stats as run_stats
    from kg.store.dataset import NotABuild

    try:
        s = run_stats(build_dir, top=top)
    except NotABuild as failure:
        _fail(str(failure), 1)
    out.print(_table("Summary", ("nodes", "edges", "entities", "events", "articles"),
                     [(s.nodes, s.edges, s.entities, s.events, s.articles)]))
    out.print(_table("Entities by class", ("class", "count"), s.entities_by_class.items()))
    out.print(_table("Events by type", ("type", "count"), s.events_by_type.items()))
    out.print(_table("Events by status", ("status", "count"), s.events_by_status.items()))
    for title, ranked in (("Top actors by PageRank", s.top_pagerank), ("Top actors by degree", s.top_degree)):
        out.print(_table(title, ("#", "actor", "class", "score"),
                         ((i, r.label, r.cls, f"{r.score:.4f}") for i, r in enumerate(ranked, 1))))
    out.print(_table("Communities", ("#", "members", "events"),
                     ((i, ", ".join(c.members[:8]) + (" …" if len(c.members) > 8 else ""), c.events)
                      for i, c in enumerate(s.communities, 1))))


@app.command()
def path(
    build_dir: Annotated[Path, typer.Argument(help="A build folder.")],
    a: Annotated[str, typer.Argument(help="An actor's name or alias.")],
    b: Annotated[str, typer.Argument(help="Another actor's name or alias.")],
) -> None:
    """The shortest chain of relations and events between two actors, with the evidence."""
    from kg.analytics.network import PathError, shortest_path
    from kg.store.dataset import NotABuild

    try:
        steps = shortest_path(build_dir, a, b)
    except (PathError, NotABuild) as failure:
        _fail(str(failure), 1)
    out.print(_table(f"{a} → {b}", ("#", "from", "via", "roles", "to", "evidence", "article"),
                     ((i, st.source, st.via, st.relation, st.target, st.evidence, st.article)
                      for i, st in enumerate(steps, 1))))


@app.command()
def view(
    build_dir: Annotated[Path, typer.Argument(help="A build folder.")],
    focus: Annotated[Optional[str], typer.Option(help="Only this actor's neighbourhood (name or alias).")] = None,
    depth: Annotated[int, typer.Option(min=1, help="Steps from the focus.")] = 2,
    out_file: Annotated[Optional[Path], typer.Option("--out", "-o", help="Where to write the page.")] = None,
    title: Annotated[str, typer.Option(help="The page title.")] = "newskg explorer",
    screenshot: Annotated[Optional[Path], typer.Option(help="Also save a PNG (needs Chromium).")] = None,
) -> None:
    """Write the interactive explorer (one offline HTML file), or an ego view with --focus."""
    from kg.explorer.writer import FocusNotFound, write_explorer
    from kg.rdf.iris import slug
    from kg.store.dataset import NotABuild, load_dataset

    target = out_file or build_dir / (f"explorer-{slug(focus)}.html" if focus else "explorer.html")
    try:
        nodes = write_explorer(load_dataset(build_dir), target, title=title, focus=focus, depth=depth)
    except NotABuild as failure:
        _fail(str(failure))
    except FocusNotFound as failure:
        _fail(str(failure), 1)
    out.print(f"wrote {target}: {nodes} nodes, {target.stat().st_size / 1e6:.1f} MB", highlight=False)
    if screenshot is not None:
        from kg.explorer.page import screenshot as take

        take(target, screenshot)
        out.print(f"wrote {screenshot}", highlight=False)


def _interrupt(*_) -> None:
    raise KeyboardInterrupt


@app.command()
def serve(
    build_dir: Annotated[Path, typer.Argument(help="A build folder.")],
    host: Annotated[str, typer.Option(help="Address to bind (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (0 picks a free one).")] = 7878,
    timeout: Annotated[float, typer.Option(help="Seconds a query may run.")] = 10.0,
    max_results: Annotated[int, typer.Option(help="Most rows or triples a query may return.")] = 100_000,
    workers: Annotated[Optional[int], typer.Option(help="Query worker processes.")] = None,
    allow_update: Annotated[bool, typer.Option(help="Accept SPARQL Update (needs --token).")] = False,
    token: Annotated[Optional[str], typer.Option(envvar="KG_SERVE_TOKEN", help="Bearer token for updates.")] = None,
    quiet: Annotated[bool, typer.Option(help="Do not log requests.")] = False,
) -> None:
    """Serve a build over the SPARQL 1.1 Protocol (read-only by default), with its explorer and files."""
    import signal

    from kg.serve.server import make_server
    from kg.store.dataset import NotABuild

    try:
        server = make_server(build_dir, host, port, timeout=timeout, max_results=max_results, workers=workers,
                             allow_update=allow_update, token=token, quiet=quiet)
    except (NotABuild, ValueError) as failure:
        _fail(str(failure))
    except OSError as failure:
        _fail(str(failure), 1)
    mode = "updates: POST /update" if allow_update else "read-only"
    err.print(f"serving {build_dir} at {server.url}sparql ({mode}); Ctrl-C stops", highlight=False, markup=False)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()  # also stops the query workers


@app.command()
def push(
    build_dir: Annotated[Path, typer.Argument(help="A build folder.")],
    endpoint: Annotated[str, typer.Option(help="Graph Store Protocol (or SPARQL Update) URL.")],
    graph: Annotated[Optional[str], typer.Option(help="Put everything into this one graph IRI.")] = None,
    user: Annotated[Optional[str], typer.Option(help="User name.")] = None,
    password: Annotated[Optional[str], typer.Option(envvar="KG_PUSH_PASSWORD", help="Password.")] = None,
    auth: Annotated[str, typer.Option(help="basic or digest.")] = "basic",
    gsp_url: Annotated[Optional[str], typer.Option(help="Graph Store Protocol URL, if not --endpoint.")] = None,
    update_url: Annotated[Optional[str], typer.Option(help="SPARQL Update URL for the fallback.")] = None,
    method: Annotated[str, typer.Option(help="auto, gsp or update.")] = "auto",
    batch_size: Annotated[int, typer.Option(min=1, help="Triples per SPARQL Update request.")] = 1000,
    retries: Annotated[int, typer.Option(min=0, help="Retries on transient errors.")] = 3,
) -> None:
    """Upload a build into a triple store, one named graph per article (or all into --graph)."""
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
        _fail(str(failure), 1)
    except (ValueError, NotABuild) as failure:
        _fail(str(failure))
    out.print(str(summary), highlight=False, markup=False)


def main() -> None:  # pragma: no cover - console entry point
    app()
