"""The package layout is the pipeline: each stage imports only the stages before it.

The order is written once, here (STAGES). The checks read every module's imports with `ast` (lazy
imports inside functions count too: a back edge is a back edge wherever it is written), so a stage
that reaches upstream, an import cycle, or a module over 400 lines fails this file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kg"

# Earlier stages first; the stages of one tuple are siblings and may not import each other.
STAGES: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("ingest",),
    ("nlp",),
    ("extract",),
    ("resolve",),
    ("rdf",),
    ("store",),
    ("query",),
    ("analytics",),
    ("exchange", "explorer", "serve", "evaluation"),
    ("top",),
)
CORE_MODULES = {"kg", "kg.records", "kg.vocab", "kg.ontology", "kg.data"}
TOP_MODULES = {"kg.build", "kg.cli", "kg.cli_views", "kg.cli_output"}
# What the order alone allows but a stage must still not use.
FORBIDDEN = {
    "ingest": {"spacy", "rdflib", "pyoxigraph"},
    "resolve": {"spacy"},
    "rdf": {"spacy"},
    "store": {"spacy"},
    "evaluation": {"kg.nlp", "kg.extract", "kg.build"},
}
MAX_LINES = 400


def stage_of(module: str) -> str:
    if module in CORE_MODULES:
        return "core"
    if module in TOP_MODULES:
        return "top"
    parts = module.split(".")
    if len(parts) < 2:
        raise ValueError(f"{module}: not a module of kg")
    return parts[1]


def rank_of(stage: str) -> int:
    for rank, names in enumerate(STAGES):
        if stage in names:
            return rank
    raise ValueError(f"kg.{stage} is not a stage of STAGES: add it where it belongs in the flow")


def module_name(path: Path, root: Path = PACKAGE) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, root: Path = PACKAGE) -> set[str]:
    """Every module a file imports, absolute, wherever the import statement stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            # 'from kg import iris' imports the module kg.iris, not a name of kg
            found.update(f"{base}.{alias.name}" for alias in node.names if base.startswith("kg"))
    return found


def module_graph() -> dict[str, set[str]]:
    """kg module -> the kg modules it imports (names that are not modules are dropped)."""
    files = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in files and m != name} for name, path in files.items()}


def back_edges(graph: dict[str, set[str]]) -> list[str]:
    """Imports of a later stage, or of a sibling stage, as readable lines."""
    problems = []
    for module, targets in sorted(graph.items()):
        here = stage_of(module)
        for target in sorted(targets):
            there = stage_of(target)
            if here == there:
                continue
            if rank_of(there) >= rank_of(here):
                problems.append(f"{module} ({here}) imports {target} ({there})")
    return problems


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def test_every_module_belongs_to_a_stage():
    for module in module_graph():
        rank_of(stage_of(module))


def test_imports_go_one_way_along_the_pipeline():
    assert back_edges(module_graph()) == []


def test_no_import_cycle():
    assert cycles(module_graph()) == []


def test_stages_keep_out_what_they_must_not_use():
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        stage = stage_of(module_name(path))
        for imported in imports_of(path):
            for banned in FORBIDDEN.get(stage, ()):
                if imported == banned or imported.startswith(banned + "."):
                    problems.append(f"{module_name(path)} ({stage}) imports {imported}")
    assert problems == []


def test_no_module_is_longer_than_the_limit():
    long = {module_name(p): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


# --- the checks themselves fail where they should --------------------------------------------


def test_a_back_edge_is_reported():
    graph = {"kg.extract.events": {"kg.records", "kg.rdf.iris"}, "kg.rdf.iris": {"kg.records"},
             "kg.records": set()}
    assert back_edges(graph) == ["kg.extract.events (extract) imports kg.rdf.iris (rdf)"]


def test_siblings_may_not_import_each_other():
    graph = {"kg.serve.server": {"kg.explorer.writer"}, "kg.explorer.writer": {"kg.query.sparql"},
             "kg.query.sparql": set()}
    assert back_edges(graph) == ["kg.serve.server (serve) imports kg.explorer.writer (explorer)"]


def test_a_cycle_is_reported_even_inside_one_stage():
    graph = {"kg.evaluation.gold": {"kg.evaluation.events"}, "kg.evaluation.events": {"kg.evaluation.gold"},
             "kg.evaluation.evaluate": {"kg.evaluation.gold"}}
    assert cycles(graph) == [["kg.evaluation.events", "kg.evaluation.gold"]]


def test_an_unknown_stage_is_refused():
    with pytest.raises(ValueError, match="not a stage"):
        rank_of(stage_of("kg.somewhere.module"))


def test_relative_and_lazy_imports_are_read(tmp_path):
    pkg = tmp_path / "kg" / "extract"
    pkg.mkdir(parents=True)
    (pkg / "a.py").write_text("from .b import x\n\n\ndef f():\n    from kg.rdf import iris\n")
    assert {"kg.extract.b", "kg.rdf", "kg.rdf.iris"} <= imports_of(pkg / "a.py", root=tmp_path / "kg")
