"""The `kg` command: argument parsing and printing only; the library does the work."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
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
) -> None:
    """Build the knowledge graph of INPUTS into a build folder (or add them to one with --into)."""
    from kg.build import NothingToBuild, build as run_build

    if into is not None:
        out_dir = into

    with Progress(TextColumn("[bold]parsing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("articles", total=None)
        try:
            result = run_build(inputs, out_dir, model=model, explorer=explorer, jobs=jobs,
                               into=into is not None, on_article=lambda n: bar.advance(task, n))
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


@app.command()
def remove(
    build_dir: Annotated[Path, typer.Argument(help="A build folder.")],
    doc: Annotated[list[str], typer.Option("--doc", help="Id of an article to take out (repeatable).")],
) -> None:
    """Take articles out of a build."""
    from kg.build import remove as run_remove

    try:
        result = run_remove(build_dir, doc)
    except (KeyError, FileNotFoundError) as failure:
        _fail(str(failure).strip("'\""))
    _summary(result, build_dir)


@app.command()
def query(
    build_dir: Annotated[Path, typer.Argument(help="A build folder.")],
    sparql: Annotated[Optional[str], typer.Argument(help="A SPARQL query (prefixes predeclared).")] = None,
    file: Annotated[Optional[Path], typer.Option("--file", "-f", help="Read the query from a .rq file.")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv, tsv, json, xml (ttl/nt for CONSTRUCT).")] = "table",
) -> None:
    """Run a SPARQL query over a build."""
    from kg.query import QueryError, run, serialize, table
    from kg.store import NotABuild

    if (sparql is None) == (file is None):
        _fail("give a query or --file, not both")
    text = file.read_text("utf-8") if file else sparql
    try:
        results = run(build_dir, text)
    except (QueryError, NotABuild) as failure:
        _fail(str(failure))
    if fmt != "table":
        sys.stdout.buffer.write(serialize(results, fmt))
        return
    t = table(results)
    view = Table(*t.variables, show_lines=False)
    for row in t.rows:
        view.add_row(*row)
    out.print(view)
    err.print(f"{len(t.rows)} rows", highlight=False)


@app.command()
def validate(build_dir: Annotated[Path, typer.Argument(help="A build folder.")]) -> None:
    """Check a build against the SHACL shapes of ontology/shapes.ttl."""
    from kg.store import NotABuild, load_dataset
    from kg.validate import validate as run_validate

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
    from kg.evaluate import evaluate as run_eval, load_gold
    from kg.store import NotABuild, load_dataset

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


def main() -> None:  # pragma: no cover - console entry point
    app()
