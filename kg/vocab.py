"""The vocabularies of the graph, in one place.

``KG`` lists every term newskg defines; ``tests/test_ontology.py`` keeps it equal to the terms
declared in ``ontology/kg.ttl``, so code can only use terms the ontology documents.
Everything else comes from standard vocabularies.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import (
    GEO,
    ORG,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    TIME,
    XSD,
    DefinedNamespace,
)

SCHEMA = Namespace("https://schema.org/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
NIF = Namespace("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#")
GAF = Namespace("http://groundedannotationframework.org/gaf#")
WD = Namespace("http://www.wikidata.org/entity/")
GEONAMES = Namespace("https://sws.geonames.org/")

KG_NS = "https://w3id.org/newskg/ns#"


class KG(DefinedNamespace):
    """newskg's own terms (ontology/kg.ttl). Each is tied to a standard term there."""

    _NS = Namespace(KG_NS)
    _fail = True

    # Actors and places (coarse roots first, then finer kinds).
    Person: URIRef
    Organization: URIRef
    GovernmentOrganization: URIRef
    Ministry: URIRef
    Legislature: URIRef
    MilitaryOrganization: URIRef
    MilitaryCommand: URIRef
    ArmedGroup: URIRef
    Coalition: URIRef
    InternationalOrganization: URIRef
    PoliticalParty: URIRef
    Company: URIRef
    UnnamedSource: URIRef  # "a senior defense official": an actor, never a schema:Person
    Place: URIRef
    Country: URIRef
    City: URIRef
    AdministrativeRegion: URIRef
    Region: URIRef
    Facility: URIRef
    MilitaryBase: URIRef
    NamedEvent: URIRef
    MilitaryOperation: URIRef
    Forum: URIRef

    # Reported events (one sentence of one article), each mapped to CAMEO and PLOVER.
    ReportedEvent: URIRef
    Withdrawal: URIRef
    Deployment: URIRef
    Handover: URIRef
    Meeting: URIRef
    Negotiation: URIRef
    Agreement: URIRef
    Statement: URIRef
    Attack: URIRef
    Invasion: URIRef
    Defeat: URIRef
    SeizureOfPower: URIRef
    Resolution: URIRef
    Formation: URIRef
    Appointment: URIRef
    Sanctions: URIRef
    # The general news inventory (issue 12): groups, then their classes.
    ConflictEvent: URIRef
    JusticeEvent: URIRef
    LifeEvent: URIRef
    MovementEvent: URIRef
    PersonnelEvent: URIRef
    ContactEvent: URIRef
    CommunicationEvent: URIRef
    BusinessEvent: URIRef
    EconomicEvent: URIRef
    TransactionEvent: URIRef
    PolicyEvent: URIRef
    DisasterEvent: URIRef
    Protest: URIRef
    Coercion: URIRef
    Arrest: URIRef
    Charge: URIRef
    Trial: URIRef
    Verdict: URIRef
    Sentence: URIRef
    Lawsuit: URIRef
    Release: URIRef
    Investigation: URIRef
    Crime: URIRef
    Death: URIRef
    Injury: URIRef
    Birth: URIRef
    Transport: URIRef
    Escape: URIRef
    Election: URIRef
    Resignation: URIRef
    Dismissal: URIRef
    Ceremony: URIRef
    Cognition: URIRef
    Decision: URIRef
    Accusation: URIRef
    Request: URIRef
    Rejection: URIRef
    Endorsement: URIRef
    Acquisition: URIRef
    Merger: URIRef
    Investment: URIRef
    Bankruptcy: URIRef
    ProductLaunch: URIRef
    Recall: URIRef
    Layoff: URIRef
    Production: URIRef
    Closure: URIRef
    Restructuring: URIRef
    Partnership: URIRef
    Competition: URIRef
    Test: URIRef
    Delay: URIRef
    Cancellation: URIRef
    Suspension: URIRef
    Increase: URIRef
    Decrease: URIRef
    MarketClose: URIRef
    EconomicCrisis: URIRef
    Purchase: URIRef
    Sale: URIRef
    Payment: URIRef
    Funding: URIRef
    Delivery: URIRef
    Trade: URIRef
    Ban: URIRef
    Approval: URIRef
    PolicyChange: URIRef
    NaturalDisaster: URIRef
    Accident: URIRef
    Malfunction: URIRef

    # Event statuses (the values of kg:status) and their SKOS scheme.
    EventStatus: URIRef
    EventStatusScheme: URIRef
    Happened: URIRef
    Ongoing: URIRef
    Planned: URIRef
    Reported: URIRef
    Negated: URIRef
    Hypothetical: URIRef

    # Provenance of extraction.
    extractedBy: URIRef  # the rule that found a mention ("ner", "gazetteer", "acronym" ...)
    confidence: URIRef  # xsd:decimal in [0, 1]
    mergeReason: URIRef  # why a mention was joined to its entity (optional)
    cameoCode: URIRef  # annotation of an event class: its CAMEO root code ("04")
    ploverCategory: URIRef  # annotation of an event class: its PLOVER category ("CONSULT")

    # Event properties.
    hasAgent: URIRef
    hasPatient: URIRef
    hasRecipient: URIRef
    hasSpeaker: URIRef
    status: URIRef
    timeText: URIRef
    quotation: URIRef
    hasQuantity: URIRef
    instrumentText: URIRef

    # Quantity properties (on schema:QuantitativeValue).
    qualifier: URIRef
    fromQuantity: URIRef
    countsActor: URIRef

    # Relation properties.
    former: URIRef  # on org:Membership
    partOf: URIRef
    ledBy: URIRef

    # Analyst corrections (kg.resolve.corrections), applied after resolution at every build.
    Correction: URIRef  # a prov:Activity
    correctedBy: URIRef  # entity -> the correction that changed its node

    # Time expressions (OWL-Time nodes with their TimeML reading) and where an event's time comes from.
    timexValue: URIRef  # TimeML value: "2013-W12", "2009-Q1", "P3Y", "PAST_REF"
    timexType: URIRef  # "DATE" | "TIME" | "DURATION" | "SET"
    timexMod: URIRef  # "START" | "END" | "MID" | "APPROX" ...
    timeSource: URIRef  # on an event: kg:TimeFromText or kg:TimeFromPublication
    TimeFromText: URIRef
    TimeFromPublication: URIRef


# Namespace prefixes used in every serialization and predeclared in every query.
PREFIXES: dict[str, str] = {
    "kg": KG_NS,
    "schema": str(SCHEMA),
    "sem": str(SEM),
    "nif": str(NIF),
    "gaf": str(GAF),
    "org": str(ORG),
    "prov": str(PROV),
    "skos": str(SKOS),
    "owl": str(OWL),
    "geo": str(GEO),
    "time": str(TIME),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "wd": str(WD),
}


def sparql_prologue() -> str:
    """PREFIX lines for every namespace above, so user queries can use them directly."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
