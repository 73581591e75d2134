"""A WeasyPrint URL fetcher that refuses everything but bundled assets and `data:` URLs.

A dossier holds text typed by residents and staff. Escaping keeps it from becoming markup,
and this fetcher is the second wall: even a URL that slipped into the HTML or CSS makes
rendering fail instead of reaching the file system or the network.
"""

import base64
import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

from weasyprint.urls import URLFetcher, URLFetcherResponse

from compliance.config import PROJECT_ROOT

TEMPLATE_DIR = PROJECT_ROOT / "templates" / "dossier"
ASSETS_DIR = TEMPLATE_DIR / "assets"
# Bundled assets are named by this scheme, never by a file:// path the HTML could imitate.
ASSET_SCHEME = "dossier-asset"
MAX_DATA_URL_BYTES = 8 * 1024 * 1024


class FetchRefused(ValueError):
    """A URL the dossier renderer will not load."""


def _split(url: str) -> tuple[str, str]:
    scheme, sep, rest = url.partition(":")
    if not sep or not scheme.isascii() or not scheme.replace("-", "").isalnum():
        raise FetchRefused(f"not an absolute URL: {url[:80]!r}")
    return scheme.lower(), rest


def decode_data_url(url: str) -> tuple[str, bytes]:
    """The media type and bytes of a `data:` URL (base64 or percent-encoded)."""
    scheme, rest = _split(url)
    if scheme != "data" or "," not in rest:
        raise FetchRefused(f"not a data: URL: {url[:80]!r}")
    header, payload = rest.split(",", 1)
    parts = header.split(";")
    media = parts[0] or "text/plain"
    if "base64" in parts[1:]:
        body = base64.b64decode(payload, validate=False)
    else:
        body = unquote_to_bytes(payload)
    if len(body) > MAX_DATA_URL_BYTES:
        raise FetchRefused("data: URL too large")
    return media, body


def asset_path(url: str) -> Path:
    """The bundled file an asset URL names; refuses anything outside the assets folder."""
    scheme, rest = _split(url)
    if scheme != ASSET_SCHEME:
        raise FetchRefused(f"not a bundled asset: {url[:80]!r}")
    name = rest.lstrip("/")
    root = ASSETS_DIR.resolve()
    path = (root / name).resolve()
    if not name or root not in path.parents or not path.is_file():
        raise FetchRefused(f"no bundled asset {name!r}")
    return path


def asset_url(name: str) -> str:
    """The URL of a bundled asset, for templates."""
    asset_path(f"{ASSET_SCHEME}:{name}")
    return f"{ASSET_SCHEME}:{name}"


class DenyByDefaultFetcher(URLFetcher):
    """Serves `data:` URLs and bundled assets; raises for everything else (file, http, ...).

    `fail_on_errors` turns a refusal into a fatal error, so a document that asks for a
    forbidden URL is never produced; no redirect handler is installed and no opener is used.
    """

    def __init__(self) -> None:
        super().__init__(
            allowed_protocols=("data", ASSET_SCHEME),
            allow_redirects=False,
            fail_on_errors=True,
            timeout=1,
        )

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        """Return the resource or raise FetchRefused."""
        scheme, _ = _split(url)
        if scheme == "data":
            media, body = decode_data_url(url)
            return URLFetcherResponse(url, body, {"Content-Type": media})
        if scheme == ASSET_SCHEME:
            path = asset_path(url)
            media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": media})
        raise FetchRefused(f"refused to fetch {url[:120]!r}: only data: and bundled assets")

    def open(self, url: Any, data: Any = None, timeout: Any = None) -> URLFetcherResponse:
        """Never use urllib's opener machinery."""
        full = url.full_url if hasattr(url, "full_url") else str(url)
        return self.fetch(full)

    def __call__(self, url: str) -> URLFetcherResponse:
        return self.fetch(url)
