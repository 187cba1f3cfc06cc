"""Saved SPARQL queries: discovery, comment headers, safe parameter binding and execution.

A saved query is one ``queries/NAME.rq`` whose leading comment header reads::

    # title: TKIs that raise ROS
    # question: Which TKIs raise ROS, in which cancers, with which outcome?
    # param: tki (entity) optional: restrict to one TKI (label, synonym or CURIE)
    # keywords: ROS, TKI, outcome

Parameters are bound as RDF terms through SPARQL substitution (SEP-0007): a value is never pasted
into the query text. An ``entity`` parameter is resolved to an IRI by label, synonym or CURIE;
``string`` and ``integer`` parameters become literals; ``iri`` takes a full IRI or CURIE.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from tkiros.errors import TkirosError
from tkiros.query.engines.oxigraph import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_S
from tkiros.query.results import Result
from tkiros.rqfile import headers, internal, read_rq, run_internal
from tkiros.store.paths import project_root
from tkiros.vocab import OWN_NAMESPACE, TKD

# Compiled on first use (re caches it): a query without a param header never needs it.
PARAM = r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<kind>entity|string|integer|iri)(?P<subtypes>\s*,\s*subtypes)?\)\s*(?P<req>optional|required)?\s*(?::\s*(?P<doc>.*))?$"


class Param:
    """A parameter of a saved query, from its ``# param:`` header. ``subtypes``: an entity parameter that
    also matches the entity's subtypes (KEY==VALUE: exactly). Plain classes here and in SavedQuery: a
    dataclass imports inspect, a fifth of a cold query's budget."""

    __slots__ = ("name", "kind", "required", "doc", "subtypes")

    def __init__(self, name: str, kind: str = "entity", required: bool = False, doc: str = "", subtypes: bool = False):
        self.name, self.kind, self.required, self.doc, self.subtypes = name, kind, required, doc, subtypes

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, k) == getattr(other, k) for k in self.__slots__)

    __hash__ = None

    def __repr__(self) -> str:
        return "Param(" + ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__) + ")"


class SavedQuery:
    """A saved query: its name, file, text and what its header says."""

    def __init__(
        self,
        name: str,
        path: Path,
        text: str,
        title: str = "",
        question: str = "",
        keywords: list[str] | None = None,
        params: dict[str, Param] | None = None,
    ):
        self.name, self.path, self.text, self.title, self.question = name, path, text, title, question
        self.keywords = [] if keywords is None else keywords
        self.params = {} if params is None else params

    def __repr__(self) -> str:
        return f"SavedQuery(name={self.name!r}, path={self.path!r}, title={self.title!r})"

    @property
    def expected_path(self) -> Path:
        return self.path.with_suffix(".expected.tsv")


def parse_header(path: Path, text: str) -> SavedQuery:
    q = SavedQuery(name=path.stem, path=path, text=text)
    for lineno, key, value in headers(text):
        if key == "title":
            q.title = value
        elif key == "question":
            q.question = value
        elif key == "keywords":
            q.keywords = [k.strip() for k in value.split(",") if k.strip()]
        elif key == "param":
            pm = re.match(PARAM, value)
            if not pm:
                raise TkirosError(
                    f"{path.name}:{lineno}: malformed param header {value!r}; expected 'name (entity[, subtypes]|string|integer|iri) [optional|required]: doc'"
                )
            q.params[pm["name"]] = Param(
                pm["name"], pm["kind"], pm["req"] == "required", (pm["doc"] or "").strip(), bool(pm["subtypes"])
            )
    return q


def queries_folder(folder: Path | None = None) -> Path:
    return Path(folder) if folder else project_root() / "queries"


def _shown(path: Path, folder: Path | None = None) -> str:
    """How messages name a query file: queries/NAME.rq for a saved query, else the file's name."""
    try:
        if path.resolve().parent == queries_folder(folder).resolve():
            return f"queries/{path.name}"
    except OSError:
        pass
    return path.name


def list_queries(folder: Path | None = None) -> list[SavedQuery]:
    folder = queries_folder(folder)
    return [parse_header(p, read_rq(p, f"queries/{p.name}")) for p in sorted(folder.glob("*.rq"))]


def get_query(name_or_path: str, folder: Path | None = None) -> SavedQuery:
    """A query file, or the saved query of that name in ``folder`` (queries/ of the project by default)."""
    from tkiros.output import protect

    p = Path(name_or_path)
    saved = queries_folder(folder) / f"{name_or_path}.rq"
    # A path is a query file; a bare name is a saved query even if a folder of that name is here.
    if p.suffix == ".rq" or p.is_file() or (p.exists() and not ("/" not in name_or_path and saved.is_file())):
        query = parse_header(p, read_rq(p, name_or_path))
        protect(p)  # its results may never be written over it (-o)
        return query
    if "/" not in name_or_path and saved.is_file():  # read only the query asked for
        query = parse_header(saved, read_rq(saved, f"queries/{saved.name}"))
        protect(saved)
        return query
    import difflib  # only for the hint of an unknown name

    candidates = {q.name: q for q in list_queries(folder)}
    close = difflib.get_close_matches(name_or_path, list(candidates), n=3, cutoff=0.4)
    hint = f"; did you mean {', '.join(close)}?" if close else "; run 'tkiros queries' for the list"
    raise TkirosError(f"unknown query {name_or_path!r}{hint}")


def norm_key(s: str) -> str:
    """A name as entity lookups compare it: case-folded, without spaces, dashes, underscores or slashes."""
    return re.sub(r"[\s\-_‐–—/]+", "", s.casefold())


def entity_index(store) -> dict[str, set[str]]:
    """Normalised label, synonym and CURIE -> entity IRIs."""
    from tkiros.prefixes import compact  # the prefix map, read only when a parameter needs it

    index: dict[str, set[str]] = {}
    for row in run_internal(store, "query/entity-names"):
        s = row["s"]
        # Only our own terms: the imported external terms (ontology/imports/) carry the same labels.
        if isinstance(s, ox.NamedNode) and s.value.startswith(OWN_NAMESPACE):
            index.setdefault(norm_key(row["l"].value), set()).add(s.value)
    for row in run_internal(store, "query/exact-matches"):
        if isinstance(row["s"], ox.NamedNode) and row["s"].value.startswith(TKD) and isinstance(row["x"], ox.NamedNode):
            index.setdefault(norm_key(compact(row["x"].value)), set()).add(row["s"].value)
    return index


def resolve_entity(store, value: str, param: str) -> ox.NamedNode:
    from tkiros.prefixes import compact, expand  # the prefix map, read only when a parameter needs it

    if value.startswith("http://") or value.startswith("https://"):
        return _iri(value, param)
    if ":" in value and not value.startswith("_:"):
        try:
            iri = expand(value)
        except KeyError:
            iri = None
        # An external CURIE (CHEBI:49668) names the entity that maps to it, resolved through the index.
        if (
            iri
            and iri.startswith(OWN_NAMESPACE)
            and any(True for _ in store.quads_for_pattern(ox.NamedNode(iri), None, None))
        ):
            return ox.NamedNode(iri)
    index = entity_index(store)
    hits = index.get(norm_key(value))
    if not hits:
        import difflib

        close = difflib.get_close_matches(norm_key(value), list(index), n=3, cutoff=0.75)
        hint = f"; close: {', '.join(close)}" if close else ""
        raise TkirosError(f"--param {param}={_short(value)}: no entity has this label, synonym or CURIE{hint}")
    if len(hits) > 1:
        raise TkirosError(
            f"--param {param}={_short(value)}: ambiguous, matches {', '.join(sorted(compact(h) for h in hits))}; give a CURIE"
        )
    return ox.NamedNode(next(iter(hits)))


def _short(value: str, limit: int = 60) -> str:
    v = value.encode("unicode_escape").decode("ascii")
    return v if len(v) <= limit else v[:limit] + "..."


def _iri(value: str, param: str) -> ox.NamedNode:
    try:
        return ox.NamedNode(value)
    except ValueError:
        raise TkirosError(f"--param {param}={_short(value)}: not a valid IRI") from None


def parse_params(values) -> dict[str, str]:
    """--param KEY=VALUE options as a dict."""
    params = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise TkirosError(f"--param {item!r}: expected KEY=VALUE")
        params[key.strip()] = value
    return params


def bind_params(query: SavedQuery, params: dict[str, str], store) -> dict:
    """Turn user values into SPARQL substitutions (RDF terms); unknown or missing params are errors."""
    for name in params:
        if name not in query.params:
            known = ", ".join(query.params) or "none"
            raise TkirosError(f"--param {name}: query {query.name!r} has no such parameter (parameters: {known})")
    subs = {}
    for name, p in query.params.items():
        if name not in params:
            if p.required:
                raise TkirosError(f"--param {name}: required by query {query.name!r} ({p.doc or p.kind})")
            continue
        value = params[name]
        if p.kind == "entity":
            subs[ox.Variable(name)] = resolve_entity(store, value[1:] if value.startswith("=") else value, name)
        elif p.kind == "iri":
            from tkiros.prefixes import expand  # the prefix map, read only when a parameter needs it

            if (
                ":" not in value
                and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", value)
                and any(True for _ in store.quads_for_pattern(ox.NamedNode(TKD + value), None, None))
            ):
                value = TKD + value  # a bare local name (nrf2-f35) names our individual
            try:
                subs[ox.Variable(name)] = _iri(
                    expand(value) if ":" in value and not value.startswith("http") else value, name
                )
            except KeyError:
                raise TkirosError(f"--param {name}={_short(value)}: unknown prefix") from None
        elif p.kind == "integer":
            if not re.fullmatch(r"[+-]?\d{1,18}", value):
                raise TkirosError(f"--param {name}={_short(value)}: not an integer")
            subs[ox.Variable(name)] = ox.Literal(
                value, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
            )
        else:
            subs[ox.Variable(name)] = ox.Literal(value)
    return subs


def subtypes_of(store, iri: ox.NamedNode) -> list[ox.NamedNode]:
    """The entity's subtypes through our hierarchy and the imported MONDO/DOID/GO ones (src/tkiros/sparql/subtypes.rq)."""
    rows = store.query(internal("subtypes"), substitutions={ox.Variable("term"): iri})
    return [r["sub"] for r in rows]


def expand_subtypes(query: SavedQuery, params: dict[str, str], subs: dict, store) -> str:
    """For parameters declared ``(entity, subtypes)``: move the binding into a trailing VALUES clause that
    also lists the subtypes (an IRI list read from the store, never user text). ``KEY==VALUE`` keeps the
    exact term. Returns the text to append to the query ('' when nothing expands)."""
    import itertools

    columns = []
    for name, p in query.params.items():
        var = ox.Variable(name)
        if not p.subtypes or var not in subs or params.get(name, "").startswith("="):
            continue
        more = subtypes_of(store, subs[var])
        if more:
            columns.append((name, [subs.pop(var), *more]))
    if not columns:
        return ""
    head = " ".join(f"?{n}" for n, _ in columns)
    rows = " ".join(
        "(" + " ".join(str(t) for t in combo) + ")" for combo in itertools.product(*(v for _, v in columns))
    )
    return f"\n# the parameter and its subtypes\nVALUES ({head}) {{ {rows} }}\n"


def run_query(
    name_or_path: str,
    params: dict[str, str] | None = None,
    store=None,
    engine: str = "oxigraph",
    endpoint: str | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
    inferred: bool = False,
    max_rows: int | None = DEFAULT_MAX_ROWS,
) -> Result:
    """Run a saved query on one of tkiros.query.engines.ENGINES: the embedded store (Oxigraph), rdflib, or
    a remote SPARQL endpoint (``endpoint``). ``inferred`` asks for the reasoned graph on every engine.

    Parameters are resolved against the embedded store (labels, synonyms, CURIEs) in every case.
    """
    from tkiros.query.engines import ENGINES

    folder = queries_folder()  # where the data is, found once (each look walks up the working directory)
    query = get_query(name_or_path, folder)
    name = "endpoint" if endpoint else engine
    if name not in ENGINES:
        raise TkirosError(f"--engine {engine}: choose one of {', '.join(n for n in ENGINES if n != 'endpoint')}")
    if store is None:
        if inferred:
            from tkiros.reasoning.cache import inferred_store

            store = inferred_store()
        else:
            from tkiros.store.store import open_store

            store = open_store(folder.parent)
    subs = bind_params(query, params or {}, store)
    text = query.text + expand_subtypes(query, params or {}, subs, store)
    if name in ("oxigraph", "endpoint"):
        from tkiros.query.bind import constants

        text, subs = constants(text, subs)  # so that the engine plans with them (tkiros.query.bind)
    result = ENGINES[name](
        text,
        subs,
        store,
        where=_shown(query.path, folder),
        timeout=timeout,
        max_rows=max_rows,
        inferred=inferred,
        endpoint=endpoint,
    )
    return _sorted_lists(result, text)


def _sorted_lists(result: Result, text: str) -> Result:
    from tkiros.query.listcells import sort_list_cells

    if result.boolean is None:
        result.rows = sort_list_cells(result.variables, result.rows, text)
    return result


def evidence_levels(store) -> list[tuple[str, int, str]]:
    """(CURIE, rank, label) of each evidence level in the ontology, strongest first."""
    from tkiros.prefixes import compact

    return [
        (compact(r["level"].value), int(r["rank"].value), r["label"].value)
        for r in store.query(internal("evidence-levels"))
    ]


def parse_evidence_level(value: str, store) -> int:
    """A --min-evidence value (a rank such as 3, a level's CURIE or local name, or its label) as its rank."""
    levels = evidence_levels(store)

    def key(s: str) -> str:  # "title only", "title-only", "titleOnly", "tkiros:titleOnlyEvidence" match alike
        return re.sub(r"[^a-z0-9]", "", s.lower())

    for curie, rank, label in levels:
        local = curie.split(":")[-1]
        if key(value) in {str(rank), key(curie), key(local), key(local.removesuffix("Evidence")), key(label)}:
            return rank
    names = "; ".join(f"{rank} = {curie.split(':')[-1]} ({label})" for curie, rank, label in levels)
    raise TkirosError(f"--min-evidence {value}: unknown evidence level; choose one of {names}")


def filter_min_evidence(result: Result, min_rank: int, store, where: str = "query") -> Result:
    """Keep the rows whose ``finding`` column names a finding at ``min_rank`` or above.

    The ranks are read from the embedded store, so the filter also applies to rows from an endpoint.
    """
    if "finding" not in result.variables:
        raise TkirosError(
            f"{where}: --min-evidence needs a ?finding column, and this query has none "
            f"(columns: {', '.join(result.variables) or 'none, an ASK query'})"
        )
    ranks = {r["finding"].value: int(r["rank"].value) for r in store.query(internal("finding-evidence-ranks"))}
    col = result.variables.index("finding")
    kept = [row for row in result.rows if row[col] is not None and ranks.get(row[col].value, 0) >= min_rank]
    return Result(result.variables, kept, result.boolean)
