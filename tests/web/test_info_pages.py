"""Information pages through HTTP: visitors read published pages by topic in three languages; an
administrator writes a page in three languages with a server-rendered preview, publishes it, and a
second editor's stale save is refused with a clear message instead of overwriting."""

from __future__ import annotations

import pytest

from hetao import hall
from tests.cases.helpers import person
from tests.pages import csrf_of, signed_in


@pytest.fixture
def app(lean_app):
    """The app without the search index: these pages never search."""
    return lean_app


@pytest.fixture
def people(session_factory):
    with session_factory() as s, s.begin():
        person(s, "editor.one@example.org", admin=True)
        person(s, "editor.two@example.org", admin=True)
        person(s, "visitor@example.org")


@pytest.mark.parametrize(
    ("prefix", "heading", "topic", "title"),
    [
        ("zh-hant", "休閒資訊", "過境", "經福田口岸過境"),
        ("zh-hans", "休闲资讯", "通关", "经福田口岸通关"),
        ("en", "Visitor information", "Crossing the border", "Crossing at the Futian port"),
    ],
)
def test_visitors_read_the_pages_by_topic(client, prefix, heading, topic, title):
    index = client.get(f"/{prefix}/hall/info")
    assert index.status_code == 200
    assert index.soup.h1.get_text(strip=True) == heading
    assert [h.get_text(strip=True) for h in index.soup.select("h2")][0] == topic
    link = index.soup.find("a", string=title)
    assert link is not None and link["href"] == f"/{prefix}/hall/info/futian-port"
    page = client.get(link["href"])
    assert page.status_code == 200 and page.soup.h1.get_text(strip=True) == title
    assert page.soup.select(".prose h2")  # the body's headings sit under the page's one h1
    assert "ILLUSTRATIVE" in page.text


def test_unknown_and_unpublished_pages_are_not_found(client, session_factory, people):
    assert client.get("/en/hall/info/no-such-page").status_code == 404
    editor = signed_in(client.app, "editor.one@example.org")
    with session_factory() as s:
        page = hall.find_info_page(s, "dining-and-leisure")
        page_id, version = page.id, page.version
    form = editor.get(f"/en/admin/hall/info/{page_id}")
    done = editor.post(
        f"/en/admin/hall/info/{page_id}/publish",
        data={"csrf_token": csrf_of(form), "version": str(version), "published": "0"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert client.get("/en/hall/info/dining-and-leisure").status_code == 404
    assert "dining-and-leisure" not in client.get("/en/hall/info").text


def test_the_editor_is_for_administrators_only(app, client, people):
    response = client.get("/en/admin/hall/info", follow_redirects=False)
    assert response.status_code == 303 and "/account/sign-in" in response.headers["location"]
    visitor = signed_in(app, "visitor@example.org")
    assert visitor.get("/en/admin/hall/info").status_code == 403
    assert visitor.get("/en/admin/hall/info/new").status_code == 403


def fields(**overrides) -> dict[str, str]:
    values = {
        "slug": "shuttle-bus",
        "topic": "transport",
        "position": "5",
        "title-zh-Hant": "園區穿梭巴士",
        "title-zh-Hans": "园区穿梭巴士",
        "title-en": "The park shuttle",
        "body-zh-Hant": "## 路線\n\n- 示例內容",
        "body-zh-Hans": "## 路线\n\n- 示例内容",
        "body-en": "## Route\n\n- Sample text <script>alert(1)</script> [x](javascript:alert(1))",
    }
    values.update(overrides)
    return values


def test_an_administrator_writes_previews_and_publishes_a_page(app, client, people, session_factory):
    editor = signed_in(app, "editor.one@example.org")
    form = editor.get("/en/admin/hall/info/new")
    assert form.status_code == 200
    token = csrf_of(form)

    preview = editor.post(
        "/en/admin/hall/info/new", data={"csrf_token": token, "action": "preview", **fields()}
    )
    assert preview.status_code == 200
    shown = preview.soup.select(".preview .prose")
    assert len(shown) == 3 and shown[2].h2.get_text() == "Route"
    assert not preview.soup.select(".preview script") and 'href="javascript' not in str(shown[2])
    with session_factory() as s:
        assert hall.find_info_page(s, "shuttle-bus") is None  # a preview saves nothing

    missing = editor.post(
        "/en/admin/hall/info/new",
        data={"csrf_token": token, "action": "save", **fields(**{"title-zh-Hans": "", "slug": "Bad Slug"})},
    )
    assert missing.status_code == 422
    assert {a["href"] for a in missing.soup.select(".error-summary a")} == {"#slug", "#title-zh-Hans"}
    assert missing.soup.find(id="title-en")["value"] == "The park shuttle"  # what was typed is kept

    created = editor.post(
        "/en/admin/hall/info/new",
        data={"csrf_token": token, "action": "save", **fields()},
        follow_redirects=False,
    )
    assert created.status_code == 303
    edit_url = created.headers["location"].split("?")[0]
    assert client.get("/en/hall/info/shuttle-bus").status_code == 404  # not published yet

    page = editor.get(edit_url)
    publish = editor.post(
        f"{edit_url}/publish",
        data={"csrf_token": csrf_of(page), "version": "1", "published": "1"},
        follow_redirects=False,
    )
    assert publish.status_code == 303
    for prefix, title in (
        ("zh-hant", "園區穿梭巴士"),
        ("zh-hans", "园区穿梭巴士"),
        ("en", "The park shuttle"),
    ):
        shown = client.get(f"/{prefix}/hall/info/shuttle-bus")
        assert shown.status_code == 200 and shown.soup.h1.get_text() == title
    body = client.get("/en/hall/info/shuttle-bus")
    assert "<script" not in body.text.split("<main", 1)[1] and 'href="javascript' not in body.text


def test_two_editors_never_overwrite_each_other(app, people, session_factory):
    one = signed_in(app, "editor.one@example.org")
    two = signed_in(app, "editor.two@example.org")
    with session_factory() as s:
        page = hall.find_info_page(s, "getting-here")
        page_id, version = page.id, page.version
    url = f"/en/admin/hall/info/{page_id}"
    form_one, form_two = one.get(url), two.get(url)
    assert form_one.soup.find(id="version")["value"] == str(version)

    def values(form, title):
        data = {
            el["name"]: (el.get("value") or el.get_text())
            for el in form.soup.select("form[method=post] input, form[method=post] textarea")
            if el.get("name") and el["name"] not in ("published",)
        }
        data["topic"] = "transport"
        data["title-en"] = title
        data["action"] = "save"
        return data

    first = one.post(url, data=values(form_one, "Edited by the first editor"), follow_redirects=False)
    assert first.status_code == 303
    second = two.post(url, data=values(form_two, "Edited by the second editor"))
    assert second.status_code == 409
    assert "Someone else saved this page" in second.soup.select_one(".error-summary").get_text()
    assert second.soup.find(id="title-en")["value"] == "Edited by the second editor"
    with session_factory() as s:
        saved = hall.find_info_page(s, "getting-here")
        assert saved.titles["en"] == "Edited by the first editor" and saved.version == version + 1


def test_the_stale_message_is_in_the_editors_language(app, people, session_factory):
    editor = signed_in(app, "editor.one@example.org")
    with session_factory() as s:
        page = hall.find_info_page(s, "centre-services")
    url = f"/zh-hant/admin/hall/info/{page.id}"
    form = editor.get(url)
    data = {
        "csrf_token": csrf_of(form),
        "action": "save",
        "version": str(page.version - 1),
        **{k: v for k, v in fields().items() if k != "slug"},
    }
    response = editor.post(url, data=data)
    assert response.status_code == 409
    assert "其他人" in response.soup.select_one(".error-summary").get_text()
