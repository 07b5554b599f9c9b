"""`GET /playground`: a page for trying the gateway in a browser, served as static files.

The files ship inside the function (`gateway/playground/`), hand-written, with no build
step. Only the listed files are served, so a request path never reaches the file system.
The Content-Security-Policy allows nothing but this origin: a model answer that smuggles
markup or a link cannot make the page fetch anything, and the page itself sets answers
as text, never as HTML. The page uses relative URLs, because behind API Gateway's REST
API it lives under a stage prefix (`/Prod/playground`) that the app never sees.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

from gateway.errors import NotFound

router = APIRouter(include_in_schema=False)

FILES = Path(__file__).resolve().parent.parent / "playground"
PAGE = "index.html"
ASSETS = {
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    # no-store: a deploy changes page and script together; a cached half would not match.
    "cache-control": "no-store",
}


@cache
def _read(name: str) -> bytes:
    return (FILES / name).read_bytes()


def _serve(name: str, media_type: str) -> Response:
    return Response(_read(name), media_type=media_type, headers=SECURITY_HEADERS)


@router.get("/playground")
async def page() -> Response:
    return _serve(PAGE, "text/html; charset=utf-8")


@router.get("/playground/")
async def page_with_slash() -> Response:
    # Relative, so the redirect keeps a stage prefix the app cannot see; Starlette's own
    # slash redirect would build an absolute URL without it.
    return Response(status_code=308, headers={**SECURITY_HEADERS, "location": "../playground"})


@router.get("/playground/{name}")
async def asset(name: str) -> Response:
    media_type = ASSETS.get(name)
    if media_type is None:
        raise NotFound("No such playground file.")
    return _serve(name, media_type)
