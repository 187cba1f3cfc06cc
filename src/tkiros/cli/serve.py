"""`tkiros serve`: the graph as a read-only SPARQL endpoint until Ctrl-C or SIGTERM (tkiros.serve)."""

from __future__ import annotations

import json

import click

from tkiros.cli.options import federation_option, format_option, output_option, timeout_option
from tkiros.serve.network import DEFAULT_HOST, DEFAULT_PORT, DEFAULT_TIMEOUT_S, is_loopback
from tkiros.serve.server import Server, Stop, restore_signals, stop_on_signals, supervise


@click.command("serve")
@click.option(
    "--port", type=int, default=DEFAULT_PORT, show_default=True, help="TCP port to listen on (0: a free port)."
)
@click.option(
    "--host",
    default=DEFAULT_HOST,
    show_default=True,
    help="Address to listen on; only loopback unless you say otherwise (0.0.0.0 exposes the endpoint to the network).",
)
@timeout_option(
    DEFAULT_TIMEOUT_S,
    "Time limit of one query, in seconds (rounded up to whole seconds); an answer not complete by then is an HTTP 503 error.",
)
@federation_option
@click.option(
    "--location",
    default=None,
    metavar="PATH",
    help="What to serve: an Oxigraph store folder, a release folder (tkiros publish) or an RDF file [default: the compiled store of the sources].",
)
@format_option(("text", "json"), "text", "How to print the endpoint once it answers.")
@output_option("Write the endpoint (atomically) to FILE instead of stdout, once it answers.")
def serve_cmd(port, host, timeout, federation, location, fmt, output):
    """Serve the graph as a read-only SPARQL 1.1 endpoint (Oxigraph) until Ctrl-C or SIGTERM.

    Prints the endpoint URL (http://HOST:PORT/query) once it answers; its query web page is at
    http://HOST:PORT/. SPARQL Update is refused and each query is cut at --timeout.

    \b
    Examples:
      tkiros serve
      tkiros serve --port 8890 --timeout 10
      tkiros serve --location release/ --port 0 --format json -o endpoint.json
      tkiros query tkis-raising-ros --endpoint http://127.0.0.1:7878/query
    """
    from tkiros.output import emit

    timeout_s = timeout

    # From the start, a signal stops the server cleanly: a client may send SIGTERM as soon as it reads the URL.
    previous = stop_on_signals()
    server = None
    try:
        from tkiros import procs

        procs.GRACE_S = 10.0  # the server is stopped by Python code that needs a few seconds
        server = Server(location, host=host, port=port, timeout_s=timeout_s, federation=federation)
        server.start()
        endpoint = server.local_endpoint  # a wildcard bind (0.0.0.0) is printed as the loopback address that reaches it
        page = endpoint.rsplit("/", 1)[0] + "/"
        info = {
            "endpoint": endpoint,
            "page": page,
            "host": host,
            "port": server.port,
            "timeout_s": timeout_s,
            "location": str(server.location),
            "read_only": True,
            "federation": federation,
            "pid": server.process.pid,
            "site": page + "site/",
        }
        emit(json.dumps(info, indent=1) + "\n" if fmt == "json" else endpoint + "\n", output)
        exposed = "" if is_loopback(host) else " (reachable from the network)"
        click.echo(
            f"tkiros: serving {server.description} read-only at {endpoint}{exposed}; query page {page}; browsable pages {page}site/;"
            f" time limit {timeout_s:g} s; Ctrl-C stops",
            err=True,
        )
        supervise(
            server,
            on_restart=lambda reason: click.echo(
                f"tkiros: the Oxigraph server stopped ({reason}); restarting", err=True
            ),
        )
    except (Stop, KeyboardInterrupt):
        pass
    finally:
        restore_signals(previous)
        if server is not None:
            server.close()
    click.echo("tkiros: server stopped", err=True)
