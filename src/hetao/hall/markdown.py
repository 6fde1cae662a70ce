"""Markdown of information pages to safe HTML: markdown-it-py (CommonMark and tables, raw HTML
off) and then nh3, which keeps only a safe subset whatever the renderer produced.

Kept: headings (moved so the highest is an ``h2``: the page keeps its single ``h1`` and no level
is skipped), paragraphs, lists,
emphasis, links (http, https, mailto or a path on this site; ``rel="noopener noreferrer"``), tables,
block quotes, code. Dropped: raw HTML (shown as text), scripts and styles with their content, event
handlers and every other attribute, ``javascript:`` and ``data:`` URLs, and images (their
description stays, as text)."""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "strong", "em", "del", "a",
    "table", "thead", "tbody", "tr", "th", "td", "blockquote", "code", "pre",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer"


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # "commonmark" with raw HTML off: tags people type are shown as text, never passed through.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable(["table", "strikethrough"])


def render_markdown(source: str) -> str:
    """Safe HTML of a Markdown text (an empty string for an empty text)."""
    parser = _parser()
    tokens = parser.parse(source or "")
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = 2 - min(levels) if levels else 0
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + shift, 6)}"
        for child in token.children or ():
            if child.type == "image":  # no pictures from elsewhere: keep the description as text
                child.type, child.tag, child.attrs, child.children = "text", "", {}, None
    html = parser.renderer.render(tokens, parser.options, {})
    return sanitise_html(html)


def sanitise_html(html: str) -> str:
    """Keep only the safe subset of HTML (see the module's description)."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
