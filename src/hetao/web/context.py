"""Per-request context for pages: the locale, its translator, and URL builders."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from hetao.core.i18n import Translator, translator
from hetao.core.locales import AUTONYM, HTML_LANG, LOCALES, URL_PREFIX


@dataclass(frozen=True)
class Urls:
    """Every HTML URL of the site, for one locale (task-named, lowercase English slugs)."""

    locale: str

    @property
    def prefix(self) -> str:
        return "/" + URL_PREFIX[self.locale]

    def home(self) -> str:
        return self.prefix + "/"

    def services(self, **query: object) -> str:
        return self._q(self.prefix + "/services", query)

    def category(self, slug: str, **query: object) -> str:
        return self._q(f"{self.prefix}/categories/{slug}", query)

    def service(self, slug: str) -> str:
        return f"{self.prefix}/services/{slug}"

    def documents(self) -> str:
        return self.prefix + "/documents"

    def document(self, key: str) -> str:
        return f"{self.prefix}/documents/{key}"

    def directory(self, **query: object) -> str:
        return self._q(self.prefix + "/directory", query)

    def organization(self, slug: str) -> str:
        return f"{self.prefix}/organizations/{slug}"

    def place(self, slug: str) -> str:
        return f"{self.prefix}/places/{slug}"

    def search(self, **query: object) -> str:
        return self._q(self.prefix + "/search", query)

    def journeys(self) -> str:
        return self.prefix + "/journeys"

    def journey(self, slug: str) -> str:
        return f"{self.prefix}/journeys/{slug}"

    def journey_question(self, slug: str, question_id: str, *, change: bool = False) -> str:
        return self._q(
            f"{self.prefix}/journeys/{slug}/questions/{question_id}", {"change": 1 if change else None}
        )

    def journey_check(self, slug: str) -> str:
        return f"{self.prefix}/journeys/{slug}/check"

    def journey_exit(self, slug: str) -> str:
        return f"{self.prefix}/journeys/{slug}/not-applicable"

    def journey_plan(self, slug: str, **query: object) -> str:
        return self._q(f"{self.prefix}/journeys/{slug}/plan", query)

    def journey_restart(self, slug: str) -> str:
        return f"{self.prefix}/journeys/{slug}/start-again"

    @staticmethod
    def _q(path: str, query: dict[str, object]) -> str:
        return with_query(path, query)


def with_query(path: str, query: dict[str, object]) -> str:
    """``path`` with the non-empty members of ``query`` as a properly encoded query string."""
    clean = {k: v for k, v in query.items() if v not in (None, "", False)}
    return f"{path}?{urlencode(clean)}" if clean else path


@dataclass
class PageContext:
    locale: str
    path: str  # the request path without the locale prefix, e.g. "/services/x"
    query: str = ""
    t: Translator = field(init=False)
    urls: Urls = field(init=False)

    def __post_init__(self) -> None:
        self.t = translator(self.locale)
        self.urls = Urls(self.locale)

    @property
    def html_lang(self) -> str:
        return HTML_LANG[self.locale]

    def switch_links(self) -> list[dict[str, str | bool]]:
        suffix = self.path + (f"?{self.query}" if self.query else "")
        return [
            {
                "locale": loc,
                "href": "/" + URL_PREFIX[loc] + suffix,
                "label": AUTONYM[loc],
                "lang": HTML_LANG[loc],
                "current": loc == self.locale,
            }
            for loc in LOCALES
        ]
