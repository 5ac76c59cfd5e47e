"""kg.ttl and shapes.ttl: parseable, complete, tied to standard vocabularies, in step with code."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS

from kg import records
from kg.ontology import (
    coarse_type,
    kg_class,
    ontology_graph,
    ontology_path,
    shapes_graph,
    shapes_path,
    superclasses,
)
from kg.vocab import KG, KG_NS, SCHEMA, SEM

REPO = Path(__file__).resolve().parents[1]
ONTOLOGY_FILES = [REPO / "ontology" / "kg.ttl", REPO / "ontology" / "shapes.ttl"]
ROOTS = {SCHEMA.Person, SCHEMA.Organization, SCHEMA.Place, SCHEMA.Event, SEM.Event, SKOS.Concept, SEM.Actor,
         PROV.Activity}
CONTRACT_EVENT_CLASSES = [
    "Withdrawal", "Deployment", "Handover", "Meeting", "Negotiation", "Agreement", "Statement", "Attack",
    "Invasion", "Defeat", "SeizureOfPower", "Resolution", "Formation", "Appointment", "Sanctions",
]
# The general news inventory (issue 12): groups by domain, and the classes events are typed by.
EVENT_GROUPS = [
    "ConflictEvent", "JusticeEvent", "LifeEvent", "MovementEvent", "PersonnelEvent", "ContactEvent",
    "CommunicationEvent", "BusinessEvent", "EconomicEvent", "TransactionEvent", "PolicyEvent", "DisasterEvent",
]
NEWS_EVENT_CLASSES = [
    "Protest", "Coercion", "Arrest", "Charge", "Trial", "Verdict", "Sentence", "Lawsuit", "Release",
    "Investigation", "Crime", "Death", "Injury", "Birth", "Transport", "Escape", "Election", "Resignation",
    "Dismissal", "Ceremony", "Cognition", "Decision", "Accusation", "Request", "Rejection", "Endorsement",
    "Acquisition", "Merger", "Investment", "Bankruptcy", "ProductLaunch", "Recall", "Layoff", "Production",
    "Closure", "Restructuring", "Partnership", "Competition", "Test", "Delay", "Cancellation", "Suspension",
    "Increase", "Decrease", "MarketClose", "EconomicCrisis", "Purchase", "Sale", "Payment", "Funding", "Delivery", "Trade",
    "Ban", "Approval", "PolicyChange", "NaturalDisaster", "Accident", "Malfunction",
]
# CAMEO root (cue) categories, and the PLOVER categories each root's codes fall into per the
# 2021 CAMEO-to-PLOVER crosswalk (01 and 02 were dropped by PLOVER).
CAMEO_TO_PLOVER = {
    "01": set(), "02": set(), "03": {"AGREE"}, "04": {"CONSULT"}, "05": {"SUPPORT"}, "06": {"COOPERATE"},
    "07": {"AID"}, "08": {"CONCEDE", "RETREAT"}, "09": {"ACCUSE"}, "10": {"DEMAND", "REQUEST"},
    "11": {"ACCUSE"}, "12": {"REJECT"}, "13": {"THREATEN"}, "14": {"PROTEST"}, "15": {"MOBILIZE"},
    "16": {"SANCTION", "COERCE"}, "17": {"COERCE", "ASSAULT"}, "18": {"ASSAULT"}, "19": {"ASSAULT", "COERCE"},
    "20": {"ASSAULT"},
}


@pytest.fixture(scope="module")
def onto() -> Graph:
    return ontology_graph()


def kg_terms(graph: Graph) -> set[str]:
    """Local names of every kg: IRI the ontology declares (gives an rdf:type)."""
    return {str(s)[len(KG_NS):] for s in graph.subjects(RDF.type, None) if str(s).startswith(KG_NS)}


def kg_classes(graph: Graph) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, OWL.Class) if str(s).startswith(KG_NS)}


def event_classes(graph: Graph) -> set[URIRef]:
    return {c for c in kg_classes(graph) if KG.ReportedEvent in superclasses(graph, c) and c != KG.ReportedEvent}


# --- files ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ONTOLOGY_FILES, ids=lambda p: p.name)
def test_file_parses_with_rdflib_and_pyoxigraph_to_the_same_triples(path: Path) -> None:
    with_rdflib = Graph().parse(path, format="turtle")
    with_oxigraph = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    assert len(with_rdflib) > 50
    assert len(with_oxigraph) == len(with_rdflib)


def test_packaged_files_are_the_ontology_folder() -> None:
    assert ontology_path().resolve() == ONTOLOGY_FILES[0]
    assert shapes_path().resolve() == ONTOLOGY_FILES[1]
    assert ontology_graph() is ontology_graph()  # parsed once
    assert len(shapes_graph()) > 50


def test_ontology_header(onto: Graph) -> None:
    (ontology,) = set(onto.subjects(RDF.type, OWL.Ontology))
    assert onto.value(ontology, OWL.versionInfo) == Literal("0.1.0")
    assert onto.value(ontology, RDFS.label) is not None and onto.value(ontology, RDFS.comment) is not None
    assert isinstance(onto.value(ontology, DCTERMS.license), URIRef)


# --- the ontology and kg/vocab.py agree -------------------------------------------------------

def test_kg_namespace_equals_terms_declared_in_kg_ttl(onto: Graph) -> None:
    in_code = {name for name in KG.__annotations__ if not name.startswith("_")}
    declared = kg_terms(onto)
    assert in_code - declared == set(), "in kg/vocab.py but not declared in kg.ttl"
    assert declared - in_code == set(), "declared in kg.ttl but missing from kg/vocab.py"


def test_no_kg_term_is_used_without_being_declared(onto: Graph) -> None:
    declared = kg_terms(onto)
    for graph in (onto, shapes_graph()):
        used = {str(t)[len(KG_NS):] for triple in graph for t in triple
                if isinstance(t, URIRef) and str(t).startswith(KG_NS)}
        assert used <= declared, used - declared


def test_every_term_has_an_english_label_and_comment(onto: Graph) -> None:
    for name in kg_terms(onto):
        term = URIRef(KG_NS + name)
        for prop in (RDFS.label, RDFS.comment):
            values = list(onto.objects(term, prop))
            assert values, f"kg:{name} has no {prop}"
            assert all(isinstance(v, Literal) and v.language == "en" and str(v).strip() for v in values)


# --- ties to standard vocabularies ------------------------------------------------------------

def test_every_class_reaches_a_standard_root(onto: Graph) -> None:
    for cls in kg_classes(onto):
        assert superclasses(onto, cls) & ROOTS, f"{cls} reaches no standard root class"


def test_every_property_is_tied_to_a_standard_term(onto: Graph) -> None:
    kinds = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    properties = {s for k in kinds for s in onto.subjects(RDF.type, k) if str(s).startswith(KG_NS)}
    assert KG.hasAgent in properties and KG.cameoCode in properties
    for prop in properties:
        ties = set(onto.objects(prop, RDFS.subPropertyOf)) | set(onto.objects(prop, RDFS.seeAlso))
        assert any(not str(t).startswith(KG_NS) for t in ties), f"{prop} is tied to no standard term"


def test_actor_roles_specialise_sem_has_actor(onto: Graph) -> None:
    for prop in (KG.hasAgent, KG.hasPatient, KG.hasRecipient, KG.hasSpeaker):
        assert SEM.hasActor in set(onto.transitive_objects(prop, RDFS.subPropertyOf))
    assert ORG.subOrganizationOf in set(onto.objects(KG.partOf, RDFS.subPropertyOf))
    assert SCHEMA.text in set(onto.objects(KG.quotation, RDFS.subPropertyOf))


def test_unnamed_source_is_an_actor_but_not_a_person(onto: Graph) -> None:
    above = superclasses(onto, KG.UnnamedSource)
    assert SEM.Actor in above
    assert SCHEMA.Person not in above and KG.Person not in above


# --- events and statuses ----------------------------------------------------------------------

def test_contract_event_classes_are_reported_events(onto: Graph) -> None:
    assert {SEM.Event, SCHEMA.Event} <= superclasses(onto, KG.ReportedEvent)
    expected = CONTRACT_EVENT_CLASSES + EVENT_GROUPS + NEWS_EVENT_CLASSES
    assert event_classes(onto) == {kg_class(name) for name in expected}


def test_every_news_domain_has_its_group(onto: Graph) -> None:
    """Each class sits in at most one group, and the issue's domains are all there."""
    groups = {kg_class(name) for name in EVENT_GROUPS}
    for cls in event_classes(onto) - groups:
        assert len(superclasses(onto, cls) & groups) <= 1, cls
    expected = {"Attack": "ConflictEvent", "Protest": "ConflictEvent", "Arrest": "JusticeEvent",
                "Death": "LifeEvent", "Withdrawal": "MovementEvent", "Resignation": "PersonnelEvent",
                "Meeting": "ContactEvent", "Statement": "CommunicationEvent", "Cognition": "CommunicationEvent",
                "Bankruptcy": "BusinessEvent", "Decrease": "EconomicEvent", "Purchase": "TransactionEvent",
                "Sanctions": "PolicyEvent", "Ban": "PolicyEvent", "NaturalDisaster": "DisasterEvent"}
    for name, group in expected.items():
        assert kg_class(group) in superclasses(onto, kg_class(name)), name


def test_every_event_class_has_a_consistent_cameo_and_plover_mapping(onto: Graph) -> None:
    groups = {kg_class(name) for name in EVENT_GROUPS}
    for cls in event_classes(onto):
        codes = [str(c) for c in onto.objects(cls, KG.cameoCode)]
        plover = [str(p) for p in onto.objects(cls, KG.ploverCategory)]
        if cls in groups or not codes:  # where CAMEO has no code, the comment says so
            assert plover == [], f"{cls}: a PLOVER category without a CAMEO code"
            assert cls in groups or "CAMEO has no code" in " ".join(str(onto.value(cls, RDFS.comment)).split()), cls
            continue
        assert len(codes) == 1 and codes[0] in CAMEO_TO_PLOVER, f"{cls}: CAMEO root {codes}"
        allowed = CAMEO_TO_PLOVER[codes[0]]
        if allowed:
            assert len(plover) == 1 and plover[0] in allowed, f"{cls}: CAMEO {codes[0]} vs PLOVER {plover}"
        else:
            assert plover == [], f"{cls}: PLOVER dropped CAMEO {codes[0]}, so no category"
        comment = str(onto.value(cls, RDFS.comment))
        assert "CAMEO " + codes[0] in comment, f"{cls}: the comment should explain the CAMEO choice"


def test_known_cameo_choices(onto: Graph) -> None:
    """Spot checks of the mapping against CAMEO's definitions."""
    expected = {"Meeting": "04", "Negotiation": "04", "Statement": "01", "Deployment": "15",
                "Withdrawal": "08", "Sanctions": "16", "Attack": "19", "Protest": "14", "Arrest": "17",
                "Investigation": "09", "Request": "10", "Rejection": "12", "Funding": "07"}
    for name, code in expected.items():
        assert str(onto.value(kg_class(name), KG.cameoCode)) == code


def test_status_scheme_matches_the_records_statuses(onto: Graph) -> None:
    in_scheme = {s for s in onto.subjects(SKOS.inScheme, KG.EventStatusScheme)}
    statuses = {records.HAPPENED, records.ONGOING, records.PLANNED, records.REPORTED, records.NEGATED,
                records.HYPOTHETICAL}
    assert in_scheme == {kg_class(s) for s in statuses}
    for status in in_scheme:
        assert (status, RDF.type, KG.EventStatus) in onto
        assert (status, SKOS.topConceptOf, KG.EventStatusScheme) in onto
        assert (status, RDF.type, OWL.NamedIndividual) in onto  # so pyshacl mixes it into data graphs
    assert (KG.EventStatusScheme, RDF.type, SKOS.ConceptScheme) in onto


# --- coarse types -----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("cls", "coarse"),
    [("Person", "Person"), ("Ministry", "Organization"), ("MilitaryCommand", "Organization"),
     ("Coalition", "Organization"), ("Company", "Organization"), ("Country", "Place"), ("MilitaryBase", "Place"),
     ("AdministrativeRegion", "Place"), ("Forum", "Event"), ("MilitaryOperation", "Event"),
     ("Withdrawal", "Event"), ("UnnamedSource", None), ("EventStatus", None), ("Correction", None),
     ("NoSuchClass", None)],
)
def test_coarse_type_of_packaged_classes(cls: str, coarse: str | None) -> None:
    assert coarse_type(None, cls) == coarse
    assert coarse_type(None, URIRef(KG_NS + cls)) == coarse


def test_every_entity_class_has_exactly_one_coarse_type(onto: Graph) -> None:
    roots = {SCHEMA.Person, SCHEMA.Organization, SCHEMA.Place, SCHEMA.Event}
    for cls in kg_classes(onto) - {KG.UnnamedSource, KG.EventStatus, KG.Correction}:
        assert len(superclasses(onto, cls) & roots) == 1, cls
        assert coarse_type(onto, cls) in records.COARSE_TYPES


def test_coarse_type_follows_the_graph_it_is_given() -> None:
    extended = Graph()
    for triple in ontology_graph():
        extended.add(triple)
    extended.add((KG_NS_TERM("PressOffice"), RDFS.subClassOf, KG.Ministry))
    assert coarse_type(extended, "PressOffice") == "Organization"
    assert coarse_type(None, "PressOffice") is None
    assert coarse_type(Graph(), "Country") is None


def KG_NS_TERM(name: str) -> URIRef:  # noqa: N802 - reads like the namespace it builds on
    return URIRef(KG_NS + name)
