"""The browsable site at /site/ of `tkiros serve`: built once per state of the sources (tkiros.release.site), then
served from the cache folder."""

from __future__ import annotations

from pathlib import Path

from tkiros.errors import TkirosError
from tkiros.release.site import MARKER, SITE_MEDIA_TYPES, build_site, write_site


class SiteSource:
    """The folder `tkiros serve` shows at /site/: a served release's site/, else the site of the sources,
    built on the first request into the cache (once per state of the sources)."""

    def __init__(self, location: str | Path | None = None):
        import threading

        release_site = Path(location) / "site" if location is not None else None
        self._folder = release_site if release_site and (release_site / MARKER).is_file() else None
        self._lock = threading.Lock()

    def folder(self) -> Path:
        with self._lock:
            if self._folder is None:
                from tkiros.store.paths import cache_dir
                from tkiros.store.store import sources_digest

                target = cache_dir() / f"site-{sources_digest()[:24]}"
                if not (target / MARKER).is_file():
                    write_site(target, build_site())
                self._folder = target
            return self._folder


def serve_site(handler, source: SiteSource) -> None:
    """Answer one GET or HEAD under /site/ with a file of the site (never a file outside it)."""
    from urllib.parse import unquote, urlsplit

    path = unquote(urlsplit(handler.path).path)
    if path == "/site":
        return handler._reply(301, b"", [("Location", "/site/")])
    rel = path[len("/site/") :]
    if rel == "" or rel.endswith("/"):
        rel += "index.html"
    try:
        folder = source.folder().resolve()
    except TkirosError as err:
        return handler._error(500, f"tkiros: cannot build the site: {err.message}")
    target = (folder / rel).resolve()
    if folder not in target.parents or not target.is_file():
        return handler._error(404, f"tkiros: no such page of the site: {path}")
    media = SITE_MEDIA_TYPES.get(target.suffix, "application/octet-stream")
    handler._reply(
        200, target.read_bytes(), content_type=media + ("; charset=utf-8" if media.startswith("text/") else "")
    )
