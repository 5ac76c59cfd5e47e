"""Event labels an analyst can read, composed from the graph rather than taken from rdfs:label.

WHY here and not in the rdf stage: the label a build writes is a stable key-like summary
("Withdrawal by United States of United States in Iraq (happened)"); the page needs a phrase.
So the explorer composes one from the event's roles: the agent once, the patient only when it is
someone else, a place only when it is not already named, prepositions that fit the event type
("withdrawal from", "deployment to", "attack on"), and for statements the speaker and the gist of
what was said (the quotation, else the reported clause of the sentence). Labels that still
collide get the article they come from, then a number, so no two nodes read the same.
"""

from __future__ import annotations

import re
from collections import defaultdict

GIST_CHARS = 90
PLACE_PREPOSITION = {"Withdrawal": "from", "Deployment": "to", "Invasion": "of"}
PATIENT_PREPOSITION = {"Attack": "on", "Sanctions": "on", "Meeting": "with", "Negotiation": "with",
                       "Agreement": "with", "Handover": "of", "Invasion": "of"}
STATUS_SHOWN = {"planned", "ongoing", "negated", "hypothetical", "reported"}
LEAD_IN = re.compile(r"^(?:that|:|,|—|-)\s*", re.IGNORECASE)


def _join(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def shorten(text: str, limit: int = GIST_CHARS) -> str:
    """Whole words up to ``limit`` characters, with an ellipsis when cut."""
    text = " ".join(text.split()).strip(" \"'\u201c\u201d")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "\u2026"


def gist(node: dict, sentences: dict) -> str | None:
    """What a statement says: its quotation, else the clause after the reporting verb ('said
    that …'), else the words before it ('ISIS no longer poses a threat, the official said')."""
    if node.get("quote"):
        return shorten(node["quote"])
    for sentence, start, end in node.get("evidence", []):
        info = sentences.get(sentence)
        if info is None or start is None:
            continue
        text = info[2]
        after = LEAD_IN.sub("", text[end:].strip(" ,.")).strip()
        if text[start:end].casefold() == "according to":  # the claim comes first
            after = ""
        before = text[:start].strip(" ,.\"\u201d")
        words_after = len(after.split())
        if words_after >= 4 and not re.match(r"(?i)(in|on|at)\s+a\s+statement\b", after):
            return shorten(after.rstrip("."))
        head, _, tail = before.rpartition(",")
        if head and len(tail.split()) <= 6:  # "…, the senior official" said: drop the speaker
            before = head
        if len(before.split()) >= 4:
            return shorten(before)
    return None


def _roles(node_id: int, nodes: list[dict], outgoing: dict) -> dict[str, list[str]]:
    roles: dict[str, list[str]] = defaultdict(list)
    for b, label in outgoing.get(node_id, ()):
        if nodes[b]["kind"] != "Event" and nodes[b]["label"] not in roles[label]:
            roles[label].append(nodes[b]["label"])
    for role, name in nodes[node_id].get("others", []):
        if name not in roles[role]:
            roles[role].append(name)
    return roles


def _suffix(node: dict) -> str:
    bits = list(node.get("quantities", []))
    when = node.get("date") or node.get("timeText")
    if when:
        bits.append(when)
    status = node.get("status")
    if status in STATUS_SHOWN:
        bits.append(status)
    return f" ({', '.join(bits)})" if bits else ""


def compose(node_id: int, nodes: list[dict], outgoing: dict, sentences: dict, type_name: str) -> str:
    """One event's label, e.g. 'Withdrawal by United States from Iraq (planned)',
    'Kenneth F. McKenzie Jr.: "This decision is a reflection of…"'."""
    node = nodes[node_id]
    roles = _roles(node_id, nodes, outgoing)
    if node.get("type") == "Statement":
        speaker = _join(roles.get("speaker") or roles.get("agent") or [])
        said = gist(node, sentences)
        if speaker and said:
            return f"{speaker[:1].upper()}{speaker[1:]}: \u201c{said}\u201d{_suffix(node)}"
        if said:
            return f"\u201c{said}\u201d{_suffix(node)}"
        return f"Statement by {speaker}{_suffix(node)}" if speaker else f"Statement{_suffix(node)}"
    kind = node.get("type") or "ReportedEvent"
    agents = roles.get("agent", []) + [a for a in roles.get("actor", []) if a not in roles.get("agent", [])]
    patients = [p for p in roles.get("patient", []) if p not in agents]
    named = set(agents) | set(patients) | set(roles.get("recipient", []))
    places = [p for p in roles.get("place", []) if p not in named]
    parts = [type_name]
    if kind == "Meeting" and len(agents) + len(patients) >= 2:
        parts.append("between " + _join(agents + patients))
    else:
        if patients:
            parts.append(f"{PATIENT_PREPOSITION.get(kind, 'of')} {_join(patients)}")
        if agents:
            parts.append(f"by {_join(agents)}")
    if roles.get("recipient"):
        parts.append(f"to {_join(roles['recipient'])}")
    if places:
        parts.append(f"{PLACE_PREPOSITION.get(kind, 'in')} {_join(places)}")
    return " ".join(parts) + _suffix(node)


def relabel(nodes: list[dict], edges: dict, sentences: dict, articles: dict, type_names: dict) -> None:
    """Give every reported event a composed label (the built one is kept as an alias, for
    search), then make colliding labels distinct."""
    outgoing: dict[int, list] = defaultdict(list)  # node -> [(other, link label)], in sorted order
    for a, b, label in sorted(edges):
        outgoing[a].append((b, label))
    for i, node in enumerate(nodes):
        if node["kind"] != "Event":
            continue
        built = node["label"]
        node["label"] = compose(i, nodes, outgoing, sentences, type_names.get(node["type"], "Event"))
        if built != node["label"] and built not in node["aliases"]:
            node["aliases"] = sorted(node["aliases"] + [built])
    by_label: dict[str, list[int]] = defaultdict(list)
    for i, node in enumerate(nodes):
        by_label[node["label"]].append(i)
    for label, same in list(by_label.items()):
        if len(same) < 2:
            continue
        for i in same:  # the words around the trigger tell two withdrawals apart
            around = _context(nodes[i], sentences)
            if around:
                nodes[i]["label"] = f"{label}: \u201c\u2026{around}\u2026\u201d"
        by_context: dict[str, list[int]] = defaultdict(list)
        for i in same:
            by_context[nodes[i]["label"]].append(i)
        _distinguish([i for group in by_context.values() if len(group) > 1 for i in group], nodes, articles)


def _context(node: dict, sentences: dict, width: int = 3) -> str | None:
    """A few words either side of the event's first trigger."""
    for sentence, start, end in node.get("evidence", []):
        info = sentences.get(sentence)
        if info is not None and start is not None:
            text = info[2]
            before = text[:start].split()[-width:]
            after = text[end:].split()[:width]
            return " ".join(before + [text[start:end]] + after).strip(" ,.;:")
    return None


def _distinguish(same: list[int], nodes: list[dict], articles: dict) -> None:
    """Labels still equal: the article's id, then a number."""
    for i in same:
        docs = sorted(articles[d]["id"] for d in nodes[i].get("docs", ()) if d in articles)
        if docs:
            nodes[i]["label"] = f"{nodes[i]['label']} \u00b7 {docs[0]}"
    taken: dict[str, int] = defaultdict(int)
    for i in same:
        taken[nodes[i]["label"]] += 1
    seen: dict[str, int] = defaultdict(int)
    for i in same:
        if taken[nodes[i]["label"]] > 1:
            seen[nodes[i]["label"]] += 1
            nodes[i]["label"] = f"{nodes[i]['label']} #{seen[nodes[i]['label']]}"
