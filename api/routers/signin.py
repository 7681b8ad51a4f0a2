"""Signing in and out in a browser: a key typed once buys a session (api.sessions), kept in an
HttpOnly cookie that holds only the session's opaque id; signing out ends the session on the server."""
from html import escape
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from viz import urls

from ..auth import CSRF_COOKIE, SESSION_COOKIE, recognise
from ..deps import Public
from ..sessions import Sessions

router = APIRouter(tags=["sign-in"], default_response_class=HTMLResponse, include_in_schema=False)

PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="{css}"></head><body><main class="content"><h1>assurance-map</h1>
{body}</main></body></html>"""
SIGN_IN = """<form method="post" action="/login"><label>API key <input type="password" name="key"
autocomplete="off" required></label> <input type="hidden" name="next" value="{next}">
<button type="submit">Sign in</button></form>{error}"""
SIGN_OUT = """<form method="post" action="/logout"><input type="hidden" name="csrf_token" value="{token}">
<button type="submit">Sign out</button></form>"""


def _page(title: str, body: str) -> str:
    return PAGE.format(title=title, css=urls.asset_url("viz.css"), body=body)


def _local(target: str) -> str:
    """Only a path on this server: never a redirect elsewhere."""
    ok = target.startswith("/") and not target.startswith(("//", "/\\")) and "\\" not in target
    return target if ok and not any(ord(c) < 32 for c in target) else urls.dashboard_url()


@router.get("/login")
def sign_in_page(_: Public, next: str = "/dashboard", error: str = "") -> str:
    message = '<p role="alert">That key is not recognised.</p>' if error else ""
    return _page("Sign in", SIGN_IN.format(next=escape(_local(next), quote=True), error=message))


@router.post("/login")
def sign_in(request: Request, _: Public, key: Annotated[str, Form(max_length=200)],
            next: Annotated[str, Form(max_length=2000)] = "/dashboard") -> Response:
    target = _local(next)
    found = recognise(request.app.state.keys, key)
    if found is None:
        return RedirectResponse(f"/login?error=1&next={quote(target)}", status_code=303)
    sessions: Sessions = request.app.state.sessions
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        sessions.end(old)  # a new session id at every sign-in: none chosen beforehand survives
    session_id, session = sessions.start(found)
    response = RedirectResponse(target, status_code=303)
    secure = request.url.scheme == "https"
    response.set_cookie(SESSION_COOKIE, session_id, max_age=int(sessions.max), httponly=True, samesite="strict",
                        secure=secure)
    response.set_cookie(CSRF_COOKIE, session.csrf, max_age=int(sessions.max), httponly=False, samesite="strict",
                        secure=secure)  # read by the page's scripts, which send it back as a header
    return response


@router.get("/logout")
def sign_out_page(request: Request, _: Public) -> str:
    token = request.cookies.get(CSRF_COOKIE)
    if not request.app.state.keys:
        return _page("Sign out", "<p>This server serves this machine only and needs no sign-in.</p>")
    if not token:
        return _page("Sign out", '<p>You are not signed in. <a href="/login">Sign in</a></p>')
    return _page("Sign out", SIGN_OUT.format(token=escape(token, quote=True)))


@router.post("/logout")
def sign_out(request: Request, _: Public) -> Response:
    """Ends the session (the guard has checked its CSRF token), and clears the cookies."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if session_id:
        request.app.state.sessions.end(session_id)
    response = RedirectResponse("/login", status_code=303)
    for name in (SESSION_COOKIE, CSRF_COOKIE):
        response.delete_cookie(name, httponly=name == SESSION_COOKIE, samesite="strict",
                               secure=request.url.scheme == "https")
    return response
