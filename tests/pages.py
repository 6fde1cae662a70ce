"""A test client that checks every HTML page it renders (after alphagov's ``client_request``):
one ``h1``; the ``title`` starts with it; ``lang`` set on ``html``; a skip link to ``main``; every form
that posts carries a CSRF token; every visible form control has a label; ``lang`` on language links."""

from __future__ import annotations

from bs4 import BeautifulSoup
from fastapi.testclient import TestClient

HTML_LANGS = {"zh-Hant-HK", "zh-Hans-CN", "en"}


def check_page(html: str, url: str) -> BeautifulSoup:
    soup = BeautifulSoup(html, "html.parser")
    h1s = soup.find_all("h1")
    assert len(h1s) == 1, f"{url}: expected one h1, found {len(h1s)}"
    h1 = " ".join(h1s[0].get_text().split())
    title = " ".join(soup.title.get_text().split()) if soup.title else ""
    assert title.startswith(h1), f"{url}: title {title!r} does not start with h1 {h1!r}"
    assert soup.html.get("lang") in HTML_LANGS, f"{url}: html lang is {soup.html.get('lang')!r}"
    skip = soup.find("a", class_="skip-link")
    assert skip is not None and skip.get("href") == "#main" and soup.find(id="main"), f"{url}: no skip link"
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() == "post":
            assert form.find("input", attrs={"name": "csrf_token"}), (
                f"{url}: a POST form lacks its CSRF token"
            )
    for control in soup.find_all(["input", "select", "textarea"]):
        if control.get("type") in ("hidden", "submit", "button"):
            continue
        cid = control.get("id")
        assert cid and soup.find("label", attrs={"for": cid}), f"{url}: control {control} has no label"
    ids = [el["id"] for el in soup.find_all(attrs={"id": True})]
    assert len(ids) == len(set(ids)), f"{url}: duplicate ids"
    for img in soup.find_all("img"):
        assert img.get("alt") is not None, f"{url}: img without alt"
    return soup


class CheckingClient(TestClient):
    """A TestClient whose HTML responses are checked by :func:`check_page`."""

    def get(self, url, **kwargs):  # type: ignore[override]
        return self._checked(super().get(url, **kwargs), url)

    def post(self, url, **kwargs):  # type: ignore[override]
        return self._checked(super().post(url, **kwargs), url)

    @staticmethod
    def _checked(response, url):
        if response.headers.get("content-type", "").startswith("text/html") and not response.is_redirect:
            response.soup = check_page(response.text, str(url))  # type: ignore[attr-defined]
        return response


def csrf_of(response) -> str:
    """The CSRF token of the first form that posts on a checked page."""
    field = response.soup.find("input", attrs={"name": "csrf_token"})
    assert field is not None, "the page has no form with a CSRF token"
    return field["value"]


def signed_in(app, email: str, password: str | None = None) -> CheckingClient:
    """A client signed in as ``email`` (by default with the test people's password)."""
    from tests.cases.helpers import PASSWORD

    client = CheckingClient(app)
    page = client.get("/en/account/sign-in")
    response = client.post(
        "/en/account/sign-in",
        data={"csrf_token": csrf_of(page), "email": email, "password": password or PASSWORD},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return client
