"""Information pages (休閒資訊): administrators write them in three languages in Markdown; visitors
read the published ones, grouped by topic. Every change is conditional on the version the editor
saw, so of two editors saving at once one wins and the other is told, nothing is overwritten."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hetao.accounts import Principal
from hetao.core.errors import Conflict, NotFound, Problem, ValidationFailed
from hetao.core.i18n import N_
from hetao.core.locales import LOCALES
from hetao.hall.info_models import TOPICS, InfoPage

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 80
MAX_TITLE = 200
MAX_BODY = 20_000


class StaleInfoPage(Conflict):
    code = "hall.info_stale"
    message = N_(
        "Someone else saved this page after you opened it. Nothing was saved: open the page again, "
        "see their changes and make yours once more."
    )


def list_info_pages(session: Session, *, published_only: bool = True) -> list[InfoPage]:
    query = select(InfoPage).order_by(InfoPage.position, InfoPage.slug)
    if published_only:
        query = query.where(InfoPage.published.is_(True))
    pages = list(session.scalars(query))
    return sorted(pages, key=lambda p: TOPICS.index(p.topic) if p.topic in TOPICS else len(TOPICS))


def pages_by_topic(pages: list[InfoPage]) -> list[tuple[str, list[InfoPage]]]:
    """The pages grouped by topic, topics in their fixed order, empty topics left out."""
    return [
        (topic, [p for p in pages if p.topic == topic])
        for topic in TOPICS
        if any(p.topic == topic for p in pages)
    ]


def find_info_page(session: Session, slug: str) -> InfoPage | None:
    return session.scalar(select(InfoPage).where(InfoPage.slug == slug))


def get_info_page(session: Session, slug: str, *, published_only: bool = True) -> InfoPage:
    """The page with ``slug``; ``NotFound`` if there is none (or it is not published, for visitors)."""
    page = find_info_page(session, slug)
    if page is None or (published_only and not page.published):
        raise NotFound()
    return page


def get_info_page_by_id(session: Session, page_id: str) -> InfoPage:
    page = session.get(InfoPage, page_id)
    if page is None:
        raise NotFound()
    return page


def _clean_texts(values: dict[str, str] | None, what: str, maximum: int, problems: list[Problem]) -> dict:
    out = {}
    for locale in LOCALES:
        value = ((values or {}).get(locale) or "").strip()
        path = f"{what}-{locale}"
        if not value:
            message = (
                N_("Enter the title in this language.")
                if what == "title"
                else N_("Enter the text in this language.")
            )
            problems.append(Problem(path, message))
        elif len(value) > maximum:
            problems.append(Problem(path, N_("Enter at most %(maximum)s characters."), {"maximum": maximum}))
        out[locale] = value
    return out


def _checked(
    *, topic: str, titles: dict[str, str] | None, bodies: dict[str, str] | None, position: int | None
) -> tuple[dict, dict, list[Problem]]:
    problems: list[Problem] = []
    if topic not in TOPICS:
        problems.append(Problem("topic", N_("Choose a topic.")))
    clean_titles = _clean_texts(titles, "title", MAX_TITLE, problems)
    clean_bodies = _clean_texts(bodies, "body", MAX_BODY, problems)
    if position is None or not 0 <= position <= 9999:
        problems.append(Problem("position", N_("Enter a whole number from 0 to 9999.")))
    return clean_titles, clean_bodies, problems


def create_info_page(
    session: Session,
    principal: Principal,
    *,
    slug: str,
    topic: str,
    titles: dict[str, str],
    bodies: dict[str, str],
    position: int | None = 0,
    now: datetime,
) -> InfoPage:
    """A new, unpublished page. The slug is its address and cannot be changed later."""
    principal.require_admin()
    slug = (slug or "").strip()
    clean_titles, clean_bodies, problems = _checked(
        topic=topic, titles=titles, bodies=bodies, position=position
    )
    if not slug or len(slug) > MAX_SLUG or not SLUG.match(slug):
        problems.insert(
            0,
            Problem(
                "slug",
                N_("Enter an address of lowercase English letters, digits and hyphens, like %(example)s."),
                {"example": "futian-port"},
            ),
        )
    elif find_info_page(session, slug) is not None:
        problems.insert(0, Problem("slug", N_("Another page already has this address.")))
    if problems:
        raise ValidationFailed(problems)
    page = InfoPage(
        slug=slug,
        topic=topic,
        titles=clean_titles,
        bodies=clean_bodies,
        published=False,
        position=position,
        version=1,
        updated_at=now,
        updated_by=principal.user_id,
    )
    try:
        with session.begin_nested():
            session.add(page)
            session.flush()
    except IntegrityError:  # created at the same moment by another editor
        raise ValidationFailed([Problem("slug", N_("Another page already has this address."))]) from None
    return page


def _move(session: Session, page: InfoPage, version: int | None, **values) -> None:
    """Apply ``values`` only if the page is still at ``version`` (the one the editor saw)."""
    if version is None or page.version != version:
        raise StaleInfoPage()
    moved = session.execute(
        update(InfoPage)
        .where(InfoPage.id == page.id, InfoPage.version == version)
        .values(version=version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise StaleInfoPage()
    session.refresh(page)


def update_info_page(
    session: Session,
    principal: Principal,
    page_id: str,
    *,
    version: int | None,
    topic: str,
    titles: dict[str, str],
    bodies: dict[str, str],
    position: int | None,
    now: datetime,
) -> InfoPage:
    principal.require_admin()
    page = get_info_page_by_id(session, page_id)
    clean_titles, clean_bodies, problems = _checked(
        topic=topic, titles=titles, bodies=bodies, position=position
    )
    if problems:
        raise ValidationFailed(problems)
    _move(
        session,
        page,
        version,
        topic=topic,
        titles=clean_titles,
        bodies=clean_bodies,
        position=position,
        updated_at=now,
        updated_by=principal.user_id,
    )
    return page


def set_published(
    session: Session,
    principal: Principal,
    page_id: str,
    *,
    version: int | None,
    published: bool,
    now: datetime,
) -> InfoPage:
    principal.require_admin()
    page = get_info_page_by_id(session, page_id)
    _move(session, page, version, published=published, updated_at=now, updated_by=principal.user_id)
    return page
