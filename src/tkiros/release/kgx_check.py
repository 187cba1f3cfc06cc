"""Offline check of the KGX tables against the Biolink Model (bmt): categories, predicates, qualifiers, prefixes."""

from __future__ import annotations

from tkiros.release.kgx_export import LOCAL_PREFIXES, multivalued


def read_tsv(data: str) -> list[dict]:
    lines = data.rstrip("\n").split("\n")
    header = lines[0].split("\t")
    lists = multivalued()
    rows = []
    for line in lines[1:]:
        cells = line.split("\t")
        rows.append({h: (c.split("|") if h in lists else c) for h, c in zip(header, cells) if c != ""})
    return rows


def biolink_toolkit():
    """A bmt Toolkit on the Biolink Model YAML shipped by the biolink-model package (no network)."""
    import importlib.resources

    from bmt import Toolkit

    schema = importlib.resources.files("biolink_model") / "schema" / "biolink_model.yaml"
    return Toolkit(str(schema), predicate_map={"predicate mappings": []})


def biolink_prefixes() -> set[str]:
    import importlib.resources
    import json

    path = importlib.resources.files("biolink_model") / "prefixmaps" / "biolink_model_prefix_map.json"
    return set(json.loads(path.read_text(encoding="utf-8")))


def biolink_problems(nodes_tsv: str, edges_tsv: str, local_prefixes=LOCAL_PREFIXES, toolkit=None) -> list[str]:
    """Problems of a KGX node/edge table pair under the Biolink Model, one line each (empty when valid).

    The checks of kgx 2.6's Validator (required properties, value types and cardinality, CURIE prefixes
    known to the model, categories and predicates that exist in the model and are not mixins or aliases)
    plus: categories not abstract, predicates not deprecated, qualifier, knowledge-level and agent-type
    values from their enums, unique ids, and every edge end a node.
    """
    import re

    tk = toolkit or biolink_toolkit()
    prefixes = biolink_prefixes() | set(local_prefixes) | {"biolink"}
    problems: list[str] = []
    nodes, edges = read_tsv(nodes_tsv), read_tsv(edges_tsv)

    def enum(name):
        return set(tk.view.get_enum(name).permissible_values)

    enums = {
        "object_direction_qualifier": enum("DirectionQualifierEnum"),
        "object_aspect_qualifier": enum("GeneOrGeneProductOrChemicalEntityAspectEnum"),
        "knowledge_level": enum("KnowledgeLevelEnum"),
        "agent_type": enum("AgentTypeEnum"),
    }

    def curie_ok(value: str) -> bool:
        # kgx's PrefixManager.is_curie pattern, and a prefix the model (or we) declare
        return bool(re.match(r"^[^ <()>:]*:[^/ :]+$", value)) and value.split(":", 1)[0] in prefixes

    def check_types(where, row):
        for key, value in row.items():
            element = tk.get_element(key.replace("_", " "))
            if element is None:
                continue
            if element.multivalued and not isinstance(value, list):
                problems.append(f"{where}: multi-valued property '{key}' is not a list")
            if not element.multivalued and isinstance(value, list):
                problems.append(f"{where}: single-valued property '{key}' is written as a list")

    required_nodes = [
        p.replace(" ", "_")
        for p in tk.get_all_node_properties()
        if tk.get_element(p).required and not tk.get_element(p).deprecated
    ] + ["category"]
    required_edges = [
        p.replace(" ", "_")
        for p in tk.get_all_edge_properties()
        if tk.get_element(p).required and not tk.get_element(p).deprecated
    ] + ["id"]
    node_ids = set()
    for row in nodes:
        nid = row.get("id", "?")
        where = f"node {nid}"
        if nid in node_ids:
            problems.append(f"{where}: duplicate id")
        node_ids.add(nid)
        problems += [f"{where}: required property '{p}' is missing" for p in required_nodes if p not in row]
        if not curie_ok(nid):
            problems.append(f"{where}: id prefix is not in the Biolink Model prefix map")
        for cat in row.get("category", []):
            name = cat.split(":", 1)[-1]
            if not re.match(r"^([A-Z][a-z\d]+)+$", name):
                problems.append(f"{where}: category {cat} is not CamelCase")
            element = tk.get_element(cat)
            if element is None or not tk.is_category(cat):
                problems.append(f"{where}: category {cat} is not in the Biolink Model")
            elif tk.is_mixin(cat) or element.abstract:
                problems.append(f"{where}: category {cat} is a mixin or abstract")
        check_types(where, row)

    edge_ids = set()
    for row in edges:
        where = f"edge {row.get('id', '?')} ({row.get('subject')} {row.get('predicate')} {row.get('object')})"
        if row.get("id") in edge_ids:
            problems.append(f"{where}: duplicate id")
        edge_ids.add(row.get("id"))
        problems += [f"{where}: required property '{p}' is missing" for p in required_edges if p not in row]
        for end in ("subject", "object"):
            value = row.get(end, "")
            if not curie_ok(value):
                problems.append(f"{where}: {end} prefix is not in the Biolink Model prefix map")
            if value not in node_ids:
                problems.append(f"{where}: {end} {value} is not a node")
        for key in ("predicate", "qualified_predicate"):
            if key not in row:
                continue
            pred = row[key]
            name = pred.split(":", 1)[-1]
            element = tk.get_element(pred)
            if not re.match(r"^([a-z_][^A-Z\s]+_?[a-z_][^A-Z\s]+)+$", name):
                problems.append(f"{where}: {key} {pred} is not snake_case")
            elif element is None or not tk.is_predicate(pred):
                problems.append(f"{where}: {key} {pred} is not a Biolink predicate")
            elif tk.is_mixin(pred) or element.deprecated:
                problems.append(f"{where}: {key} {pred} is a mixin or deprecated")
            elif name != element.name.replace(" ", "_"):
                problems.append(f"{where}: {key} {pred} is an alias of {element.name}")
        for key, allowed in enums.items():
            if key in row and row[key] not in allowed:
                problems.append(f"{where}: {key} {row[key]!r} is not one of the Biolink enum's values")
        for pub in row.get("publications", []):
            if pub.split(":", 1)[0] not in {"PMID", "PMC", "doi", "NLMID"}:
                problems.append(f"{where}: publication {pub} is not a PMID, PMC, doi or NLMID CURIE")
        check_types(where, row)
    return problems
