"""The map view's data: country outlines as SVG paths and one marker per place that can be placed.

WHY outlines from a shipped file and paths made here: the page must work offline and make no
request, so no tile server. The outlines are Natural Earth's 1:110m countries as the world-atlas
npm package (ISC licence, kept by the author of d3) publishes them, shipped unchanged in
assets/countries-110m.json; here they are decoded once and projected (plate carrée, 10 units a
degree) into compact SVG paths, so the page only sets `d` attributes. Places with a point
geometry are markers of 'city' precision; a country without one sits at the centre of its
largest outline ('country'), a region at its country's centre ('region'), drawn differently so
a reader does not take a country's centre for a town.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pycountry

ATLAS = Path(__file__).resolve().parent / "assets" / "countries-110m.json"
UNITS = 10  # SVG units per degree
WIDTH, HEIGHT = 360 * UNITS, 170 * UNITS  # 85°N to 85°S
SKIPPED = {"010"}  # Antarctica: a band along the bottom edge that says nothing about news places


def project(lon: float, lat: float) -> tuple[int, int]:
    return round((lon + 180) * UNITS), round((85 - lat) * UNITS)


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    out = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        out.append(points)
    return out


def _ring(arcs: list, indexes: list[int]) -> list[tuple[float, float]]:
    points: list = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def _path(rings: list[list[tuple[float, float]]]) -> str:
    """Relative SVG path; a jump across the antimeridian starts a new subpath instead of a streak."""
    parts = []
    for ring in rings:
        last = None
        for lon, lat in ring:
            x, y = project(lon, lat)
            if last is None or abs(x - last[0]) > 180 * UNITS:
                parts.append(f"M{x} {y}")
            elif (x, y) != last:
                parts.append(f"l{x - last[0]} {y - last[1]}")
            last = (x, y)
        parts.append("z")
    return "".join(parts)


def _area_centre(ring: list[tuple[float, float]]) -> tuple[float, tuple[float, float]]:
    """Area and centroid of a ring (shoelace formula, in degrees)."""
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(area) < 1e-12:
        return 0.0, ring[0]
    return abs(area) / 2, (cx / (3 * area), cy / (3 * area))


@lru_cache(maxsize=1)
def world() -> dict:
    """{'paths': [[name, d], ...], 'centres': {alpha-2: (lon, lat)}}, read once per process."""
    try:
        topology = json.loads(ATLAS.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FileNotFoundError(f"{ATLAS}: map outlines missing or unreadable (broken install?): {exc}") from exc
    arcs = _arcs(topology)
    paths, centres = [], {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") in SKIPPED or "arcs" not in geometry:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [[_ring(arcs, ring) for ring in polygon] for polygon in polygons]
        paths.append([geometry["properties"]["name"], _path([r for polygon in rings for r in polygon])])
        country = pycountry.countries.get(numeric=str(geometry.get("id", "")).zfill(3))
        if country is not None:
            centres[country.alpha_2] = max((_area_centre(polygon[0]) for polygon in rings), key=lambda a: a[0])[1]
    return {"paths": sorted(paths), "centres": centres}


def _alpha2(node: dict) -> str | None:
    """A country node's ISO code, from its newskg IRI (…/country/iq) or its name."""
    term = str(node.get("term", ""))
    if "/country/" in term:
        code = term.rsplit("/", 1)[-1].upper()
        if len(code) == 2:
            return code
    try:
        return pycountry.countries.lookup(node["label"]).alpha_2
    except LookupError:
        return None


def map_payload(nodes: list[dict], edges: dict) -> dict | None:
    """Markers for the places that can be placed, and the outlines; None when no place can be."""
    centres = world()["centres"]
    inside = {a: b for (a, b, label) in sorted(edges) if label == "contained in place"}
    events = {i: 0 for i, n in enumerate(nodes) if n["kind"] == "Place"}
    for (a, b, label), _ in edges.items():
        if label == "place" and b in events:
            events[b] += 1
    markers = []
    for i in sorted(events):
        node, classes = nodes[i], set(nodes[i].get("classes", []))
        if node.get("coords"):
            lat, lon = node["coords"]
            precision = "city"
        elif "Country" in classes and _alpha2(node) in centres:
            (lon, lat), precision = centres[_alpha2(node)], "country"
        elif i in inside and nodes[inside[i]].get("kind") == "Place" and _alpha2(nodes[inside[i]]) in centres:
            (lon, lat), precision = centres[_alpha2(nodes[inside[i]])], "region"
        else:
            continue
        x, y = project(lon, lat)
        markers.append({"id": i, "x": x, "y": y, "precision": precision, "events": events[i]})
    if not markers:
        return None
    return {"width": WIDTH, "height": HEIGHT, "countries": world()["paths"], "markers": markers}
