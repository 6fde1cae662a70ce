"""Information pages: Markdown is rendered to a safe subset of HTML whatever is typed (table-driven),
pages are written in three languages, and a stale version is refused so no editor overwrites another."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from hetao import hall
from hetao.core.db import utcnow
from hetao.core.errors import PermissionDenied, ValidationFailed
from hetao.core.locales import LOCALES
from tests.cases.helpers import person

# (what is typed, what must not survive, what must survive)
HOSTILE = [
    ("<script>alert(1)</script>", "<script", "&lt;script&gt;"),
    ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "<script", ""),
    ("[click](javascript:alert(1))", 'href="javascript', "[click]"),
    ("[click](JaVaScRiPt:alert(1))", 'href="javascript', ""),
    ("[click](&#106;avascript:alert(1))", "href=", ""),
    ("[data](data:text/html;base64,PHNjcmlwdD4=)", "href=", ""),
    ("[vb](vbscript:msgbox(1))", "href=", ""),
    ("<img src=x onerror=alert(1)>", "<img", "&lt;img"),
    ('<a href="https://example.org" onclick="steal()">x</a>', "<a ", "onclick"),
    ("<iframe src=https://example.org></iframe>", "<iframe", ""),
    ("<style>body{display:none}</style>", "<style", ""),
    ("<div onmouseover=alert(1)>hover</div>", "<div", ""),
    ("![tracker](https://example.org/pixel.png)", "<img", "tracker"),
    ("<!-- hidden --> visible", "<!--", "visible"),
    ("`<b>code</b>`", "<b>", "<code>&lt;b&gt;code&lt;/b&gt;</code>"),
]

# (what is typed, HTML that must be in the output)
KEPT = [
    ("# Title", "<h2>Title</h2>"),
    ("# Title\n\n## Part", "<h3>Part</h3>"),
    ("## Section", "<h2>Section</h2>"),
    ("### Small", "<h2>Small</h2>"),
    ("- one\n- two", "<li>one</li>"),
    ("1. first", "<ol>"),
    ("**bold** and *em*", "<strong>bold</strong> and <em>em</em>"),
    ("[site](https://example.org/a)", '<a href="https://example.org/a" rel="noopener noreferrer">site</a>'),
    ("[mail](mailto:someone@example.org)", 'href="mailto:someone@example.org"'),
    ("> quoted", "<blockquote>"),
    ("| a | b |\n|---|---|\n| 1 | 2 |", "<td>1</td>"),
    ("    indented code", "<pre><code>indented code"),
]


@pytest.mark.parametrize(("source", "forbidden", "expected"), HOSTILE)
def test_hostile_markdown_is_neutralised(source, forbidden, expected):
    html = hall.render_markdown(source)
    assert forbidden.lower() not in html.lower(), html
    assert expected in html, html
    soup = BeautifulSoup(html, "html.parser")
    for element in soup.find_all(True):
        assert not any(a.startswith("on") for a in element.attrs), html
        assert element.name not in ("script", "img", "iframe", "style", "div"), html


@pytest.mark.parametrize(("source", "expected"), KEPT)
def test_the_safe_subset_is_kept(source, expected):
    assert expected in hall.render_markdown(source)


@pytest.mark.parametrize(
    "html",
    [
        '<p onclick="x()">a</p>',
        '<a href="javascript:alert(1)">a</a>',
        "<script>alert(1)</script><p>a</p>",
        '<img src="https://example.org/p.png">',
        '<a href="https://example.org" target="_blank">a</a>',
    ],
)
def test_the_sanitiser_alone_also_holds(html):
    """Defence in depth: even HTML the renderer never produces is cleaned."""
    clean = hall.sanitise_html(html)
    assert "onclick" not in clean and "javascript" not in clean and "<script" not in clean
    assert "<img" not in clean and "target" not in clean


def test_every_link_gets_rel_noopener():
    html = hall.render_markdown("[a](https://example.org) [b](/en/hall/info)")
    assert len(re.findall(r'rel="noopener noreferrer"', html)) == 2


def test_sample_pages_are_trilingual_illustrative_and_free_of_invented_contacts(session):
    pages = hall.list_info_pages(session)
    assert {p.topic for p in pages} == set(hall.TOPICS)
    slugs = [p.slug for p in pages]
    assert "futian-port" in slugs and "huanggang-port" in slugs
    for page in pages:
        for loc in LOCALES:
            body = page.bodies[loc]
            assert page.titles[loc] and body
            assert "ILLUSTRATIVE" in body
            assert not re.search(r"https?://|www\.|@|\d{4}[ -]?\d{4}|\d{1,2}:\d{2}", body), (page.slug, loc)
    assert [topic for topic, _ in hall.pages_by_topic(pages)] == list(hall.TOPICS)


def test_sample_pages_in_simplified_chinese_use_only_simplified_characters(session):
    import opencc

    to_simplified = opencc.OpenCC("t2s.json")
    for page in hall.list_info_pages(session):
        for text in (page.titles["zh-Hans"], page.bodies["zh-Hans"]):
            assert to_simplified.convert(text) == text, page.slug


def texts(word: str) -> dict[str, str]:
    return {loc: f"{word} {loc}" for loc in LOCALES}


@pytest.fixture
def admin(session):
    return person(session, "editor@example.org", admin=True)


def test_create_edit_publish(session, admin):
    page = hall.create_info_page(
        session, admin, slug="new-page", topic="transport", titles=texts("T"), bodies=texts("B"), now=utcnow()
    )
    assert not page.published and page.version == 1
    with pytest.raises(Exception) as hidden:
        hall.get_info_page(session, "new-page")
    assert getattr(hidden.value, "status", None) == 404
    hall.update_info_page(
        session,
        admin,
        page.id,
        version=1,
        topic="transport",
        titles=texts("T2"),
        bodies=texts("B2"),
        position=3,
        now=utcnow(),
    )
    hall.set_published(session, admin, page.id, version=2, published=True, now=utcnow())
    shown = hall.get_info_page(session, "new-page")
    assert shown.version == 3 and shown.title("en") == "T2 en" and shown.updated_by == admin.user_id


def test_a_stale_version_is_refused_and_nothing_changes(session, admin):
    page = hall.create_info_page(
        session, admin, slug="race", topic="transport", titles=texts("T"), bodies=texts("B"), now=utcnow()
    )
    common = dict(topic="transport", bodies=texts("B"), position=0, now=utcnow())
    hall.update_info_page(session, admin, page.id, version=1, titles=texts("first"), **common)
    with pytest.raises(hall.StaleInfoPage):
        hall.update_info_page(session, admin, page.id, version=1, titles=texts("second"), **common)
    with pytest.raises(hall.StaleInfoPage):
        hall.set_published(session, admin, page.id, version=1, published=True, now=utcnow())
    session.refresh(page)
    assert page.titles["en"] == "first en" and page.version == 2 and not page.published


@pytest.mark.parametrize(
    ("changes", "path"),
    [
        ({"slug": "Not A Slug"}, "slug"),
        ({"slug": "futian-port"}, "slug"),
        ({"topic": "weather"}, "topic"),
        ({"titles": {"zh-Hant": "標題", "en": "Title"}}, "title-zh-Hans"),
        ({"bodies": {**texts("B"), "en": "x" * 20_001}}, "body-en"),
        ({"position": -1}, "position"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(session, admin, changes, path):
    values = dict(slug="fine-slug", topic="transport", titles=texts("T"), bodies=texts("B"), position=0)
    values.update(changes)
    with pytest.raises(ValidationFailed) as failed:
        hall.create_info_page(session, admin, now=utcnow(), **values)
    assert path in [p.path for p in failed.value.problems]
    assert hall.find_info_page(session, "fine-slug") is None


def test_only_administrators_edit(session):
    someone = person(session, "visitor@example.org")
    with pytest.raises(PermissionDenied):
        hall.create_info_page(
            session, someone, slug="x", topic="transport", titles=texts("T"), bodies=texts("B"), now=utcnow()
        )
