"""The HTML of the static site (tkiros.release.site): the page frame, evidence cards, explanations and indexes.

Every text from the graph goes through ``e`` (html.escape), labels included (they may hold ``<`` or
``&``). Links are relative to the page (``root`` is "" on the home page, "../" on the others), so the
site works from file:// and under any URL prefix.
"""

from __future__ import annotations

from html import escape as e

from tkiros.views.card import CONTEXT_KEYS, Card

CARD_EXTRA_KEYS = ("qualifier", "evidence", "measured with", "study system", "section")
FINDING_LINK_KEYS = ("follows from", "leads to", "conflicts with")


def frame(title: str, body: str, root: str, kinds: list[tuple[str, str]]) -> bytes:
    nav = "".join(f'<a href="{root}{folder}/index.html">{e(name)}</a>' for folder, name in kinds)
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} - tkiros</title>
<link rel="stylesheet" href="{root}site.css">
</head>
<body data-root="{root}">
<header><a class="home" href="{root}index.html">tkiros</a><nav>{nav}</nav>
<form class="search" role="search" onsubmit="return false"><input id="q" type="search" placeholder="Search drugs, genes, cancers ..." aria-label="search labels and synonyms" autocomplete="off"><ul id="hits"></ul></form>
</header>
<main>
{body}
</main>
<script src="{root}search-index.js"></script>
<script src="{root}site.js"></script>
</body>
</html>
"""
    return page.encode("utf-8")


class Linker:
    """Relative links to the pages of the site, from a page ``root`` levels deep."""

    def __init__(self, pages: dict[str, str], root: str):
        self.pages, self.root = pages, root

    def __call__(self, iri: str, text: str) -> str:
        path = self.pages.get(iri)
        return f'<a href="{self.root}{path}">{e(text)}</a>' if path else e(text)

    def many(self, card: Card, key: str, sep: str = ", ") -> str:
        return sep.join(self(iri, text) for iri, text in zip(card.links.get(key, []), card.get(key)))


def card_html(card: Card, link: Linker, heading_link: bool = True) -> str:
    local = card.iri.rsplit("/", 1)[-1]
    title = link(card.iri, card.claim) if heading_link else e(card.claim)
    agents = (
        " + ".join(x for x in (link.many(card, "agent", " + "), link.many(card, "co-treatment", " + ")) if x) or "?"
    )
    neg = "<strong>NOT</strong> " if "true" in card.get("negated") else ""
    via = f" (via {link.many(card, 'via')})" if card.get("via") else ""
    outcome = f" &#8594; {link.many(card, 'outcome')}" if card.get("outcome") else ""
    chain = (
        f"{agents} &#8594; {neg}{e(', '.join(card.get('direction')))}{via} &#8594; {link.many(card, 'target')}{outcome}"
    )
    rows = [(k, link.many(card, k)) for k in CONTEXT_KEYS if card.get(k) and k not in ("co-treatment", "study system")]
    rows += [(k, link.many(card, k)) for k in CARD_EXTRA_KEYS + FINDING_LINK_KEYS if card.get(k)]
    dl = "".join(f"<dt>{e(k)}</dt><dd>{v}</dd>" for k, v in rows)
    parts = [
        f'<article class="card" id="{e(local)}">',
        f'<h3>{title}<span class="curie">{e(card.finding)}</span></h3>',
        f'<p class="chain">{chain}</p>',
    ]
    if dl:
        parts.append(f"<dl>{dl}</dl>")
    parts += [f'<p class="erratum">Erratum: {e(note)}</p>' for note in card.errata]
    for s in card.spans:
        parts.append(
            f"<blockquote>{e(s['quote'])}</blockquote>"
            f'<p class="source">{e(s["seed"] or "")}, characters {s["start"]}-{s["end"]}</p>'
        )
    if card.references:
        refs = "".join(f"<li>[{r['number']}] {e(r['citation'] or '(no citation text)')}</li>" for r in card.references)
        parts.append(f'<ul class="refs">{refs}</ul>')
    else:
        parts.append('<p class="refs">References: none cited.</p>')
    parts.append("</article>")
    return "\n".join(parts)


def supports_html(ex, supports, link: Linker, local) -> str:
    """The facts behind one class membership, as explain prints them ("because ..."), with links."""
    items = []
    for s in supports:
        if s.kind == "listed":
            items.append(
                f"<li>{link(s.subject, ex.label(s.subject))} is named in the definition: one of {e(s.object)}</li>"
            )
            continue
        if s.kind == "type":
            how = "asserted" if s.asserted else s.how
            nested = supports_html(ex, s.nested, link, local) if s.nested else ""
            items.append(
                f"<li>{link(s.subject, ex.label(s.subject))} is a {link(s.object, local(s.object))} "
                f'<span class="how">[{e(how)}]</span>{nested}</li>'
            )
            continue
        origin = "from findings" if s.findings else "asserted" if s.asserted else "inferred by the reasoner"
        found = "".join(
            f"<li>{link(f, flabel)}" + (f"<blockquote>{e(q)}</blockquote>" if q else "") + "</li>"
            for f, flabel, q in s.findings
        )
        items.append(
            f"<li>{link(s.subject, ex.label(s.subject))} {e(local(s.predicate))} {link(s.object, ex.label(s.object))} "
            f'<span class="how">[{e(origin)}]</span>' + (f"<ul>{found}</ul>" if found else "") + "</li>"
        )
    return f"<ul>{''.join(items)}</ul>"


def explanation_html(data: dict, link: Linker, local, only: str | None = None) -> str:
    """The inferred defined classes of one individual, each with its definition and "because"."""
    out = []
    for d in data["defined"]:
        if only and d["class"] != only:
            continue
        body = (
            f"<p>Definition: <code>{e(d['definition'])}</code>. Because:</p>"
            f"{supports_html(data['ex'], d['supports'], link, local)}"
        )
        if only:
            out.append(f'<div class="because">{body}</div>')
        else:  # one line per class, opened on demand: a drug may be in a dozen classes
            meaning = f' <span class="how">{e(d["text"])}</span>' if d["text"] else ""
            out.append(
                f'<details class="because"><summary>{link(d["class"], d["label"])}{meaning}</summary>{body}</details>'
            )
    return "\n".join(out)


def table(headers: list[str], rows: list[list[str]]) -> str:
    """An HTML table; the cells are HTML already."""
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
