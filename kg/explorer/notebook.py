"""The explorer's graph as a pyvis Network, for notebook users who want to restyle it in Python.

WHY beside the standalone page and not instead of it: a pyvis Network is what notebook users
know and can customise, but what it writes is pyvis's own template, not this package's offline,
script-hashed page. So every title it carries is HTML-escaped here (pyvis tooltips may render
markup), positions come from the same seeded networkx layout as the page's, and physics is off.
For reading untrusted articles offline, kg.explorer.write_explorer's page stays the safe choice.
"""

from __future__ import annotations

import html
from pathlib import Path

from kg.explorer.data import collect, styles
from kg.explorer.writer import build_payload, find_focus, layout, neighbourhood


def _title(node: dict, kinds: dict) -> str:
    lines = [node["label"], kinds.get(node["kind"], {}).get("label", node["kind"])]
    if node.get("aliases"):
        lines.append("Also: " + "; ".join(node["aliases"][:8]))
    if node.get("date"):
        lines.append("When: " + node["date"])
    lines.append(f"{node['mentions']} mention{'s' if node['mentions'] != 1 else ''}")
    return html.escape("\n".join(lines), quote=True)


def to_pyvis(build_dir, *, focus: str | None = None, depth: int = 2, height: str = "650px"):
    """A ``pyvis.network.Network`` of a build's graph (or of the ``depth``-link neighbourhood of
    ``focus``): the explorer's nodes, colours, shapes and link labels, titles escaped, laid out."""
    from pyvis.network import Network

    from kg.store.dataset import load_dataset

    col = collect(load_dataset(Path(build_dir)))
    if focus is not None:
        col = neighbourhood(col, find_focus(col, focus), depth)
    payload = build_payload(col, "newskg")
    nodes = payload["nodes"]
    rank = {n["id"]: n["rank"] for n in nodes}
    positions = layout(len(nodes), col.edges, rank, set(rank))
    style = styles()
    kinds, types = style["kinds"], {t["key"]: t["color"] for t in payload["legend"]["eventTypes"]}
    net = Network(height=height, width="100%", directed=True, notebook=True, cdn_resources="in_line")
    for n in nodes:
        kind = kinds.get(n["kind"], kinds["Event"])
        colour = types.get(n.get("type"), kind["color"]) if n["kind"] == "Event" else kind["color"]
        x, y = positions.get(n["id"], (0, 0))
        net.add_node(n["id"], label=n["label"], title=_title(n, kinds), color=colour, shape=kind["shape"],
                     value=n["value"], x=x, y=y, physics=False)
    for e in payload["edges"]:
        net.add_edge(e["from"], e["to"], label=e["label"], title=html.escape(e["label"]), value=max(1, e["n"]))
    net.toggle_physics(False)
    return net
