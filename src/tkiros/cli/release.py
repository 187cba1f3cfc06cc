"""The release commands: `tkiros publish` and `tkiros diff`."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from tkiros.cli.options import format_option, output_option, reasoner_option
from tkiros.release.diff import diff_graphs, diff_text, load_release_graph
from tkiros.release.metadata import GROUPED
from tkiros.release.publish import publish


@click.command("publish")
@click.option(
    "--out",
    "out",
    required=True,
    metavar="DIR",
    help="Release folder (replaced atomically; a previous release there becomes the prior version).",
)
@click.option(
    "--version", "version", default=None, metavar="X.Y.Z", help="Release version [default: the package version]."
)
@click.option(
    "--date",
    "date",
    default=None,
    metavar="YYYY-MM-DD",
    help="Release date [default: the version's date in CHANGELOG.md].",
)
@click.option(
    "--prior",
    default=None,
    metavar="DIR|X.Y.Z",
    help="The previous release (folder or version) [default: the release in --out].",
)
@reasoner_option(
    "Reasoner for tkiros-full: the fast path gives HermiT's answer (and runs HermiT itself when it cannot "
    "decide exactly); 'owlrl' for OWL RL materialisation."
)
@click.option("--no-reasoner", is_flag=True, help="Skip reasoning: no tkiros-full files.")
@click.option(
    "--sparql-endpoint", default=None, metavar="URL", help="Where the release is served, recorded in void.ttl."
)
@format_option(("text", "json"), "text", "Format of the summary printed.")
def publish_cmd(out, version, date, prior, reasoner, no_reasoner, sparql_endpoint, fmt):
    """Publish a release: RDF dumps, VoID/DCAT, KGX, nanopublications, HTML docs.

    Every file is deterministic (two runs give identical bytes); the folder is built beside DIR and
    renamed into place, so a failed run leaves the previous release intact.

    \b
    Example:
      tkiros publish --out release --version 0.1.0 --date 2026-11-21
    """
    published = publish(Path(out), version, date, prior, None if no_reasoner else reasoner, sparql_endpoint)
    release, files, seconds = published.release, published.files, published.seconds
    if fmt == "json":
        data = {
            "out": str(Path(out)),
            "version": release.version,
            "date": release.date,
            "prior_version": release.prior_version,
            "seconds": round(seconds, 2),
            "files": [{"path": f.path, "bytes": f.size, "triples": f.triples, "sha256": f.sha256} for f in files],
        }
        click.echo(json.dumps(data, indent=2))
        return
    shown = [f for f in files if not f.path.startswith(GROUPED)]
    width = max(len(f.path) for f in shown)
    lines = [
        f"tkiros {release.version} ({release.date}) -> {out}"
        + (f"  prior: {release.prior_version}" if release.prior_version else "")
    ]
    for f in shown:
        lines.append(
            f"  {f.path.ljust(width)}  {f.size:>10} B" + (f"  {f.triples:>7} triples" if f.triples is not None else "")
        )
    n = sum(1 for f in files if f.path.startswith("nanopubs/"))
    pages = sum(1 for f in files if f.path.startswith("site/") and f.path.endswith(".html"))
    lines.append(f"  nanopubs/: {n} nanopublications; site/: {pages} pages; {len(files)} files in {seconds:.1f} s")
    click.echo("\n".join(lines))


@click.command("diff")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@format_option(("text", "json"), "text")
@output_option()
def diff_cmd(old, new, fmt, output):
    """Compare two releases (folders or .ttl files): findings, entities and axioms added, removed, changed.

    \b
    Example:
      tkiros diff releases/0.1.0 releases/0.2.0 --format json
    """
    from tkiros.output import emit

    report = diff_graphs(load_release_graph(Path(old)), load_release_graph(Path(new)))
    if fmt == "json":
        emit(json.dumps({"old": old, "new": new, **report}, indent=2, ensure_ascii=False) + "\n", output)
    else:
        emit(diff_text(report, old, new), output)


@click.command("site")
@click.option(
    "-o", "--out", "out", required=True, metavar="DIR", help="The folder to write the site into (replaced atomically)."
)
def site_cmd(out):
    """Write a static site: a page per drug, gene/protein, cancer, cell line, mechanism class and finding.

    Each page has its evidence cards, diagram, inferred classes with their explanation, references and
    external links; a search box over labels and synonyms works without a server (open DIR/index.html).

    \b
    Examples:
      tkiros site -o site
      xdg-open site/drug/imatinib.html
    """
    from tkiros.release.publish import check_out_folder
    from tkiros.release.site import build_site, write_site

    started = time.monotonic()
    target = check_out_folder(Path(out))
    files = build_site()
    write_site(target, files)
    size = sum(len(d) for d in files.values())
    pages = sum(1 for rel in files if rel.endswith(".html"))
    click.echo(
        f"tkiros: wrote {pages} pages ({len(files)} files, {size / 1e6:.1f} MB) to {out} in {time.monotonic() - started:.1f} s",
        err=True,
    )
