"""A person's answers to a journey, kept in the browser in a signed cookie (one per journey).

The cookie ``hetao_journey_<slug>`` holds ``base64url(JSON) "." hex(HMAC-SHA256)``; the MAC is keyed
with the site's ``secret_key`` and covers the journey slug too, so answers cannot be moved from one
journey to another. The JSON keeps each answer as the form values ``parse_answer`` reads
(``{"v": 1, "a": {question id: [values]}}``), and reading parses them again: an answer that no
longer fits its question (the journey's data changed) is dropped, and a cookie with a bad signature
or shape counts as no answers at all.

The cookie lives for the browser session (HttpOnly, SameSite=Lax, Secure behind TLS, path ``/``):
nothing is stored on the server, and a shared computer in the hall forgets the answers when closed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json

from starlette.requests import Request
from starlette.responses import Response

from hetao.core.errors import NotFound, ValidationFailed
from hetao.journeys import Answers, Journey, answer_to_form_values, get_journey, parse_answer, prune

COOKIE_PREFIX = "hetao_journey_"
VERSION = 1
#: Browsers keep cookies up to about 4 KB; larger payloads are never accepted back.
MAX_COOKIE = 3800

__all__ = ["clear_answers", "cookie_name", "read_answers", "write_answers"]


def cookie_name(slug: str) -> str:
    return COOKIE_PREFIX + slug


def _mac(secret: str, slug: str, payload: str) -> str:
    message = f"journey:{slug}:{payload}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _journey(slug: str) -> Journey | None:
    try:
        return get_journey(slug)
    except NotFound:
        return None


def _decode(secret: str, slug: str, value: str | None) -> dict[str, list[str]]:
    if not value or len(value) > MAX_COOKIE or "." not in value:
        return {}
    payload, _, mac = value.rpartition(".")
    if not hmac.compare_digest(mac, _mac(secret, slug, payload)):
        return {}
    try:
        data = json.loads(base64.urlsafe_b64decode(payload.encode() + b"=" * (-len(payload) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return {}
    if not isinstance(data, dict) or data.get("v") != VERSION or not isinstance(data.get("a"), dict):
        return {}
    return {str(k): [x for x in v if isinstance(x, str)] for k, v in data["a"].items() if isinstance(v, list)}


def read_answers(request: Request, slug: str) -> Answers:
    """The answers kept for journey ``slug`` (pruned to the questions still asked); ``{}`` when there
    are none, the signature is wrong or the journey does not exist."""
    journey = _journey(slug)
    if journey is None:
        return {}
    stored = _decode(request.app.state.settings.secret_key, slug, request.cookies.get(cookie_name(slug)))
    answers = {}
    for question in journey.questions:
        if question.id not in stored:
            continue
        try:
            answers[question.id] = parse_answer(question, {question.id: stored[question.id]})
        except ValidationFailed:
            continue
    return prune(journey, answers)


def write_answers(response: Response, request: Request, slug: str, answers: Answers) -> None:
    """Keep ``answers`` for journey ``slug`` by setting its signed cookie on ``response``."""
    journey = get_journey(slug)
    values = {q.id: answer_to_form_values(q, answers[q.id]) for q in journey.questions if q.id in answers}
    raw = json.dumps({"v": VERSION, "a": values}, separators=(",", ":"), ensure_ascii=False)
    payload = base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")
    settings = request.app.state.settings
    response.set_cookie(
        cookie_name(slug),
        f"{payload}.{_mac(settings.secret_key, slug, payload)}",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )


def clear_answers(response: Response, slug: str) -> None:
    """Forget the answers kept for journey ``slug``."""
    response.delete_cookie(cookie_name(slug), path="/", httponly=True, samesite="lax")
