"""Every namespace and vocabulary term the Python code names, defined once.

Namespaces are plain IRI strings (``TK + "Finding"``); the prefix map for CURIEs is in tkiros.prefixes.
"""

from __future__ import annotations

# W3C and community vocabularies
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
CITO = "http://purl.org/spar/cito/"
BIBO = "http://purl.org/ontology/bibo/"
SH = "http://www.w3.org/ns/shacl#"
OIO = "http://www.geneontology.org/formats/oboInOwl#"
OBO = "http://purl.obolibrary.org/obo/"
BIOLINK = "https://w3id.org/biolink/vocab/"

# The project's own namespaces
OWN_NAMESPACE = "https://w3id.org/tkiros/"
TK = "https://w3id.org/tkiros/vocab/"  # terms
TKD = "https://w3id.org/tkiros/data/"  # individuals
TKC = "https://w3id.org/tkiros/candidate/"  # text-mined candidates (tkiros ingest)
ONTOLOGY_IRI = "https://w3id.org/tkiros/vocab"
RELEASES = "https://w3id.org/tkiros/releases/"
MODULE_BASE = "https://w3id.org/tkiros/imports/"

# Terms used by name
TYPE = RDF + "type"
FIRST, REST, NIL = RDF + "first", RDF + "rest", RDF + "nil"
LABEL = RDFS + "label"
SUBCLASS = RDFS + "subClassOf"
EQUIVALENT = OWL + "equivalentClass"
THING = OWL + "Thing"
NOTHING = OWL + "Nothing"
OWL_CLASS = OWL + "Class"
XSD_STRING = XSD + "string"
XSD_INTEGER = XSD + "integer"
IAO_DEFINITION = OBO + "IAO_0000115"
HGNC_GENE = TK + "HGNCGene"
