"""Verification of every external identifier the project uses against its source."""

from __future__ import annotations

from tkiros.errors import TkirosError
from tkiros.identifiers.sources import MODULES, Sources
from tkiros.identifiers.usage import Usage
from tkiros.vocab import SKOS


def verify(usage: Usage, sources: Sources) -> dict[str, int]:
    """Check every identifier; raise TkirosError (one line) on the first that does not verify.

    Returns the count of verified identifiers per prefix."""
    from tkiros.prefixes import compact, is_well_formed

    counts: dict[str, int] = {}
    for curie in usage.identifiers:
        where = usage.first_file[curie]
        prefix = curie.split(":", 1)[0]
        if prefix not in MODULES:
            raise TkirosError(f"{where}: {curie}: no source to verify this ontology's identifiers against")
        if not is_well_formed(curie):
            raise TkirosError(f"{where}: {curie}: malformed {prefix} identifier")
        src = sources.get(prefix)
        term = src.terms.get(curie)
        if term is None:
            if curie in src.secondary:
                raise TkirosError(
                    f"{where}: {curie}: a merged (secondary) identifier in {src.where}; use {src.secondary[curie]}"
                )
            if prefix == "NCIT":
                raise TkirosError(f"{where}: {curie}: no MONDO or DOID term cross-references it in {src.where}")
            raise TkirosError(f"{where}: {curie}: does not exist in {src.where}")
        if term.obsolete:
            raise TkirosError(f"{where}: {curie}: obsolete or withdrawn in {src.where} ({term.label})")
        for label in sorted(usage.labels.get(curie, ())):
            if term.label is not None and label != term.label:
                raise TkirosError(f"{where}: {curie}: labelled {label!r} here but {term.label!r} in {src.where}")
        counts[prefix] = counts.get(prefix, 0) + 1
    by_subject: dict[str, list[str]] = {}
    for s, _, o in usage.mappings:
        by_subject.setdefault(s, []).append(o)
    for s, objects in sorted(by_subject.items()):
        # We record an HGNC match's approved symbol as the entity's skos:notation: it must be the symbol.
        hgnc_exact = sorted(
            o for ss, p, o in usage.mappings if ss == s and p == SKOS + "exactMatch" and o.startswith("HGNC:")
        )
        symbols = {sources.get("HGNC").terms[o].notation for o in hgnc_exact}
        for notation in sorted(usage.notations.get(s, ())) if hgnc_exact else ():
            if notation not in symbols:
                raise TkirosError(
                    f"{compact(s)}: skos:notation {notation!r} is not the approved symbol of {', '.join(hgnc_exact)} "
                    f"({', '.join(sorted(symbols))}) in {sources.get('HGNC').where}"
                )
        for o in sorted(objects):
            if o.startswith("NCIT:"):
                referrers = set(sources.get("NCIT").terms[o].xrefs)
                if not referrers & set(objects):
                    raise TkirosError(
                        f"{compact(s)}: {o}: not a cross-reference of the MONDO or DOID term {compact(s)} maps to (NCIT links are taken from MONDO)"
                    )
    return counts
