"""An explanation (tkiros.views.explain) as text and as JSON."""

from __future__ import annotations

import json

from tkiros.prefixes import local_name
from tkiros.views.explain import Support


def explanation_text(data: dict) -> str:
    from tkiros.prefixes import compact

    ex = data["ex"]
    lines = [
        f"{compact(data['entity'])} ({data['label']})",
        "asserted: " + (", ".join(local_name(t) for t in data["asserted_types"]) or "(no class)"),
    ]
    if not data["defined"] and not data["entailed"]:
        lines.append(f"The reasoner ({data['reasoner']}) infers no class for it beyond those asserted.")
    for d in data["defined"]:
        lines += ["", f"{local_name(d['class'])}: {d['label']}", f"  definition: {d['definition']}"]
        if d["text"]:
            lines.append(f"  meaning: {d['text']}")
        lines.append("  because:")
        lines += _support_lines(ex, d["supports"], "    ")
    if data["entailed"]:
        lines += ["", "also (superclasses, domains and ranges): " + ", ".join(local_name(c) for c in data["entailed"])]
    return "\n".join(lines) + "\n"


def _support_lines(ex, supports: list[Support], pad: str) -> list[str]:
    from tkiros.prefixes import compact

    lines = []
    for s in supports:
        if s.kind == "listed":
            lines.append(f"{pad}{ex.label(s.subject)} is named in the definition: one of {s.object}  [listed]")
            continue
        if s.kind == "type":
            lines.append(
                f"{pad}{ex.label(s.subject)} is an instance of {local_name(s.object)}  [{'asserted' if s.asserted else s.how}]"
            )
            lines += _support_lines(ex, s.nested, pad + "  ")
            continue
        origin = "from findings" if s.findings else "asserted" if s.asserted else "inferred by the reasoner"
        lines.append(f"{pad}{ex.label(s.subject)} {local_name(s.predicate)} {ex.label(s.object)}  [{origin}]")
        for f, flabel, quote in s.findings[:3]:
            lines.append(f"{pad}  {compact(f)} ({flabel})")
            if quote:
                lines.append(f'{pad}    "{quote}"')
        if len(s.findings) > 3:
            lines.append(f"{pad}  (+{len(s.findings) - 3} more findings)")
    return lines


def _support_json(s: Support) -> dict:
    return {
        "kind": s.kind,
        "subject": s.subject,
        "predicate": s.predicate,
        "object": s.object,
        "asserted": s.asserted,
        "via": s.via,
        "how": s.how,
        "nested": [_support_json(n) for n in s.nested],
        "findings": [{"finding": f, "label": lab, "quote": q} for f, lab, q in s.findings],
    }


def explanation_json(data: dict) -> str:
    out = {k: v for k, v in data.items() if k not in ("ex", "defined")}
    out["defined"] = [
        {**{k: v for k, v in d.items() if k != "supports"}, "supports": [_support_json(s) for s in d["supports"]]}
        for d in data["defined"]
    ]
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"
