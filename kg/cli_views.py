"""`kg export`, `kg stats`, `kg path` and `kg view`: a build turned into files, numbers and pages."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from kg.cli_output import app, build_folder, err, fail, out, rich_table

@app.command("export")
def export_cmd(
    build_dir: Annotated[Path, build_folder()],
    fmt: Annotated[str, typer.Option("--format", "-f", help="ttl, trig, nt, nq, jsonld, rdfxml, graphml, "
                                     "gexf or csv.", metavar="FORMAT")],
    out_file: Annotated[Optional[Path], typer.Option("--out", "-o", help="Write here (default: stdout).",
                                                     metavar="FILE")] = None,
) -> None:
    """Export a build to another RDF format, to GraphML/GEXF (Gephi) or to an events CSV.

    \b
    Examples:
      kg export build/ --format gexf --out build.gexf
      kg export build/ --format csv > events.csv
    """
    from kg.exchange.export import FORMATS, ExportError, export
    from kg.store.dataset import NotABuild

    if fmt not in FORMATS:
        fail(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    try:
        data = export(build_dir, fmt, out_file)
    except (NotABuild, ExportError, FileNotFoundError) as failure:
        fail(str(failure), 1)
    if out_file is None:
        sys.stdout.buffer.write(data)
    else:
        err.print(f"wrote {out_file} ({out_file.stat().st_size} bytes)", highlight=False, markup=False)


@app.command()
def stats(
    build_dir: Annotated[Path, build_folder()],
    top: Annotated[int, typer.Option(min=1, help="How many central actors to list.", metavar="N")] = 10,
) -> None:
    """Counts by class and event type, the most central actors, and communities.

    \b
    Example:
      kg stats build/ --top 5
    """
    from kg.analytics.network import stats as run_stats
    from kg.store.dataset import NotABuild

    try:
        s = run_stats(build_dir, top=top)
    except NotABuild as failure:
        fail(str(failure), 1)
    out.print(rich_table("Summary", ("nodes", "edges", "entities", "events", "articles"),
                     [(s.nodes, s.edges, s.entities, s.events, s.articles)]))
    out.print(rich_table("Entities by class", ("class", "count"), s.entities_by_class.items()))
    out.print(rich_table("Events by type", ("type", "count"), s.events_by_type.items()))
    out.print(rich_table("Events by status", ("status", "count"), s.events_by_status.items()))
    for title, ranked in (("Top actors by PageRank", s.top_pagerank), ("Top actors by degree", s.top_degree)):
        out.print(rich_table(title, ("#", "actor", "class", "score"),
                         ((i, r.label, r.cls, f"{r.score:.4f}") for i, r in enumerate(ranked, 1))))
    out.print(rich_table("Communities", ("#", "members", "events"),
                     ((i, ", ".join(c.members[:8]) + (" …" if len(c.members) > 8 else ""), c.events)
                      for i, c in enumerate(s.communities, 1))))


@app.command()
def path(
    build_dir: Annotated[Path, build_folder()],
    a: Annotated[str, typer.Argument(help="An actor's name or alias.", metavar="ACTOR")],
    b: Annotated[str, typer.Argument(help="Another actor's name or alias.", metavar="OTHER")],
) -> None:
    """The shortest chain of relations and events between two actors, with the evidence.

    \b
    Example:
      kg path build/ Trump Sharaa
    """
    from kg.analytics.network import PathError, shortest_path
    from kg.store.dataset import NotABuild

    try:
        steps = shortest_path(build_dir, a, b)
    except (PathError, NotABuild) as failure:
        fail(str(failure), 1)
    out.print(rich_table(f"{a} → {b}", ("#", "from", "via", "roles", "to", "evidence", "article"),
                     ((i, st.source, st.via, st.relation, st.target, st.evidence, st.article)
                      for i, st in enumerate(steps, 1))))


@app.command()
def view(
    build_dir: Annotated[Path, build_folder()],
    focus: Annotated[Optional[str], typer.Option(help="Only this actor's neighbourhood (name or alias).",
                                                 metavar="NAME")] = None,
    depth: Annotated[int, typer.Option(min=1, help="Steps from the focus.", metavar="N")] = 2,
    out_file: Annotated[Optional[Path], typer.Option("--out", "-o", help="Where to write the page.",
                                                     metavar="FILE")] = None,
    title: Annotated[str, typer.Option(help="The page title.", metavar="TEXT")] = "newskg explorer",
    screenshot: Annotated[Optional[Path], typer.Option(help="Also save a PNG (needs Chromium).",
                                                       metavar="FILE")] = None,
) -> None:
    """Write the interactive explorer (one offline HTML file), or an ego view with --focus.

    \b
    Examples:
      kg view build/
      kg view build/ --focus Sharaa --depth 1 --out sharaa.html
    """
    from kg.explorer.writer import FocusNotFound, write_explorer
    from kg.rdf.iris import slug
    from kg.store.dataset import NotABuild, load_dataset

    target = out_file or build_dir / (f"explorer-{slug(focus)}.html" if focus else "explorer.html")
    try:
        nodes = write_explorer(load_dataset(build_dir), target, title=title, focus=focus, depth=depth)
    except NotABuild as failure:
        fail(str(failure))
    except FocusNotFound as failure:
        fail(str(failure), 1)
    out.print(f"wrote {target}: {nodes} nodes, {target.stat().st_size / 1e6:.1f} MB", highlight=False)
    if screenshot is not None:
        from kg.explorer.page import screenshot as take

        take(target, screenshot)
        out.print(f"wrote {screenshot}", highlight=False)
