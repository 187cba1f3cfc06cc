"""Which external identifiers the project uses: every CURIE in instances/ and ontology/."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from tkiros.errors import TkirosError
from tkiros.identifiers.sources import MATCH_PREDICATES, METADATA_TERMS, MODULES
from tkiros.vocab import RDFS, SKOS


@dataclass
class Usage:
    """External identifiers used by the project, the first file using each, and the mapping triples."""

    first_file: dict[str, str] = field(default_factory=dict)
    mappings: list[tuple[str, str, str]] = field(
        default_factory=list
    )  # (subject IRI, skos predicate IRI, object CURIE)
    notations: dict[str, set[str]] = field(default_factory=dict)  # subject IRI -> skos:notation values
    labels: dict[str, set[str]] = field(default_factory=dict)  # external CURIE -> rdfs:label values we record

    @property
    def identifiers(self) -> list[str]:
        return sorted(self.first_file, key=curie_sort_key)


def curie_sort_key(curie: str):
    prefix, _, local = curie.partition(":")
    return (prefix, [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", local)])


def usage_files(root: Path) -> list[Path]:
    files = sorted((root / "ontology").glob("*.ttl")) + sorted((root / "instances").rglob("*.ttl"))
    return files


def scan_usage(root: Path) -> Usage:
    """Every IRI of instances/ and ontology/*.ttl (not the import modules) in a verified or OBO namespace."""
    import pyoxigraph as ox

    from tkiros.prefixes import compact

    usage = Usage()
    for path in usage_files(root):
        rel = str(path.relative_to(root))
        try:
            triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
        except SyntaxError as err:
            raise TkirosError(f"{rel}: malformed Turtle: {str(err).splitlines()[0]}") from None
        for t in triples:
            for term in (t.subject, t.predicate, t.object):
                if isinstance(term, ox.NamedNode):
                    curie = compact(term.value)
                    prefix = curie.split(":", 1)[0]
                    if (
                        prefix in MODULES or prefix == "obo" or term.value.startswith("http://purl.obolibrary.org/obo/")
                    ) and curie not in METADATA_TERMS:
                        usage.first_file.setdefault(curie, rel)
            if t.predicate.value in MATCH_PREDICATES and isinstance(t.object, ox.NamedNode):
                usage.mappings.append((t.subject.value, t.predicate.value, compact(t.object.value)))
            elif t.predicate.value == SKOS + "notation":
                usage.notations.setdefault(t.subject.value, set()).add(t.object.value)
            elif t.predicate.value == RDFS + "label" and isinstance(t.subject, ox.NamedNode):
                curie = compact(t.subject.value)
                if curie.split(":", 1)[0] in MODULES:
                    usage.labels.setdefault(curie, set()).add(t.object.value)
    return usage
