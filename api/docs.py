"""The API's documentation (/docs, Swagger UI) and schema (/openapi.json), for signed-in users.

Swagger UI's script, style and icon are served from the installed `fastapi-offline`
package under /docs/assets, never from a CDN: the office's network may not reach one, and
a page that loads script from elsewhere runs whatever that site serves.
"""

import os
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html
from starlette.responses import HTMLResponse, JSONResponse
from starlette.staticfiles import StaticFiles

from api.deps import signed_in

SWAGGER_ASSETS = Path(fastapi_offline.__file__).resolve().parent / "static"
ASSETS_URL = "/docs/assets"
# Only the three files Swagger UI needs are served (the package also ships ReDoc).
ASSET_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon.png")

router = APIRouter(include_in_schema=False)


@router.get("/docs", dependencies=[signed_in])
def swagger_ui(request: Request) -> HTMLResponse:
    """Swagger UI for the JSON API, with its assets from this server."""
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title=f"{request.app.title} – API",
        swagger_js_url=f"{ASSETS_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{ASSETS_URL}/swagger-ui.css",
        swagger_favicon_url=f"{ASSETS_URL}/favicon.png",
        oauth2_redirect_url=None,
    )


@router.get("/openapi.json", dependencies=[signed_in])
def openapi(request: Request) -> JSONResponse:
    """The JSON API's OpenAPI schema."""
    return JSONResponse(request.app.openapi())


class SwaggerAssets(StaticFiles):
    """The package's Swagger UI files, and nothing else of its folder."""

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        if path not in ASSET_FILES:
            return "", None
        return super().lookup_path(path)


def assets() -> StaticFiles:
    """The static-files app mounted at ASSETS_URL."""
    return SwaggerAssets(directory=SWAGGER_ASSETS)
