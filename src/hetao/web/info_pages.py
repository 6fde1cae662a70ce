"""Information pages of the hall (休閒資訊): the public index by topic and each page; the
administrators' editor (three languages, Markdown with a server-rendered preview, publish and
unpublish, a version check so two editors never overwrite each other)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from markupsafe import Markup
from sqlalchemy.orm import Session

from hetao import hall
from hetao.accounts import Principal
from hetao.core.db import utcnow
from hetao.core.errors import ValidationFailed
from hetao.core.i18n import Translator
from hetao.core.locales import AUTONYM, HTML_LANG, LOCALES
from hetao.http.threaded import ThreadedRoute
from hetao.web.account_pages import field_errors
from hetao.web.auth import form_values, require_admin, verify_csrf
from hetao.web.context import PageContext, with_query
from hetao.web.deps import db_session, page_context
from hetao.web.templating import render

router = APIRouter(route_class=ThreadedRoute)


def topic_labels(t: Translator) -> dict[str, str]:
    return {
        "border_crossing": t.gettext("Crossing the border"),
        "transport": t.gettext("Transport"),
        "dining_leisure": t.gettext("Dining and leisure"),
        "centre_services": t.gettext("The centre's services"),
    }


def markdown(source: str) -> Markup:
    """Sanitised HTML of a Markdown text (safe to insert: see hetao.hall.markdown)."""
    return Markup(hall.render_markdown(source))  # noqa: S704 - sanitised by nh3


def info_url(ctx: PageContext, slug: str | None = None) -> str:
    return f"{ctx.urls.prefix}/hall/info" + (f"/{slug}" if slug else "")


def admin_url(ctx: PageContext, page_id: str | None = None, **query: object) -> str:
    return with_query(f"{ctx.urls.prefix}/admin/hall/info" + (f"/{page_id}" if page_id else ""), query)


@router.get("/{lp}/hall/info", include_in_schema=False)
def info_index(
    request: Request,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    pages = hall.list_info_pages(session)
    return render(
        request,
        "hall/info_index.html",
        ctx,
        groups=hall.pages_by_topic(pages),
        topics=topic_labels(ctx.t),
        info_url=lambda slug: info_url(ctx, slug),
    )


@router.get("/{lp}/hall/info/{slug}", include_in_schema=False)
def info_page(
    request: Request,
    slug: str,
    ctx: PageContext = Depends(page_context),
    session: Session = Depends(db_session, scope="function"),
):
    page = hall.get_info_page(session, slug)
    return render(
        request,
        "hall/info_page.html",
        ctx,
        page=page,
        body=markdown(page.body(ctx.locale)),
        topics=topic_labels(ctx.t),
        breadcrumbs=[(ctx.t.gettext("Visitor information"), info_url(ctx))],
    )


# --- administration ----------------------------------------------------------------------------


@router.get("/{lp}/admin/hall/info", include_in_schema=False)
def admin_list(
    request: Request,
    ctx: PageContext = Depends(page_context),
    _admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    notices = {
        "created": ctx.t.gettext("The page is created. It is not published yet."),
        "published": ctx.t.gettext("The page is published."),
        "unpublished": ctx.t.gettext("The page is no longer published."),
    }
    return render(
        request,
        "admin/hall_info_list.html",
        ctx,
        pages=hall.list_info_pages(session, published_only=False),
        topics=topic_labels(ctx.t),
        notice=notices.get(request.query_params.get("done", ""), ""),
        admin_url=lambda page_id=None: admin_url(ctx, page_id),
    )


def _form_page(
    request,
    ctx,
    *,
    page=None,
    values=None,
    status_code=200,
    errors=None,
    preview=False,
    notice="",
    stale=False,
):
    """The editor: a new page (``page`` None) or an existing one, with what was typed."""
    if values is None:
        values = {"topic": page.topic, "position": str(page.position), "version": str(page.version)}
        for loc in LOCALES:
            values[f"title-{loc}"] = page.titles.get(loc, "")
            values[f"body-{loc}"] = page.bodies.get(loc, "")
    return render(
        request,
        "admin/hall_info_edit.html",
        ctx,
        status_code=status_code,
        page=page,
        values=values,
        errors=errors or {},
        preview={loc: markdown(values.get(f"body-{loc}", "")) for loc in LOCALES} if preview else None,
        notice=notice,
        stale=stale,
        languages=[(loc, AUTONYM[loc], HTML_LANG[loc]) for loc in LOCALES],
        topics=topic_labels(ctx.t),
        admin_url=lambda page_id=None, **q: admin_url(ctx, page_id, **q),
        info_url=lambda slug: info_url(ctx, slug),
    )


def _texts(values: dict[str, str], what: str) -> dict[str, str]:
    return {loc: values.get(f"{what}-{loc}", "") for loc in LOCALES}


def _int(value: str | None) -> int | None:
    try:
        return int((value or "").strip())
    except ValueError:
        return None


@router.get("/{lp}/admin/hall/info/new", include_in_schema=False)
def new_page(
    request: Request,
    ctx: PageContext = Depends(page_context),
    _admin: Principal = Depends(require_admin),
):
    return _form_page(request, ctx, values={"topic": "", "position": "0"})


@router.post("/{lp}/admin/hall/info/new", include_in_schema=False, dependencies=[Depends(verify_csrf)])
async def create_page(
    request: Request,
    ctx: PageContext = Depends(page_context),
    admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    values = await form_values(request)
    if values.get("action") == "preview":
        return _form_page(request, ctx, values=values, preview=True)
    try:
        page = hall.create_info_page(
            session,
            admin,
            slug=values.get("slug", ""),
            topic=values.get("topic", ""),
            titles=_texts(values, "title"),
            bodies=_texts(values, "body"),
            position=_int(values.get("position")),
            now=utcnow(),
        )
    except ValidationFailed as failed:
        return _form_page(request, ctx, values=values, status_code=422, errors=field_errors(ctx, failed))
    return RedirectResponse(admin_url(ctx, page.id, done="created"), status_code=303)


@router.get("/{lp}/admin/hall/info/{page_id}", include_in_schema=False)
def edit_page(
    request: Request,
    page_id: str,
    ctx: PageContext = Depends(page_context),
    _admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    page = hall.get_info_page_by_id(session, page_id)
    notices = {
        "created": ctx.t.gettext("The page is created. It is not published yet."),
        "saved": ctx.t.gettext("The page is saved."),
        "published": ctx.t.gettext("The page is published."),
        "unpublished": ctx.t.gettext("The page is no longer published."),
    }
    return _form_page(request, ctx, page=page, notice=notices.get(request.query_params.get("done", ""), ""))


@router.post("/{lp}/admin/hall/info/{page_id}", include_in_schema=False, dependencies=[Depends(verify_csrf)])
async def save_page(
    request: Request,
    page_id: str,
    ctx: PageContext = Depends(page_context),
    admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    page = hall.get_info_page_by_id(session, page_id)
    values = await form_values(request)
    if values.get("action") == "preview":
        return _form_page(request, ctx, page=page, values=values, preview=True)
    try:
        hall.update_info_page(
            session,
            admin,
            page_id,
            version=_int(values.get("version")),
            topic=values.get("topic", ""),
            titles=_texts(values, "title"),
            bodies=_texts(values, "body"),
            position=_int(values.get("position")),
            now=utcnow(),
        )
    except ValidationFailed as failed:
        return _form_page(
            request, ctx, page=page, values=values, status_code=422, errors=field_errors(ctx, failed)
        )
    except hall.StaleInfoPage as stale:
        session.refresh(page)
        return _form_page(
            request,
            ctx,
            page=page,
            values=values,
            status_code=409,
            errors={"version": ctx.t.gettext(stale.message)},
            stale=True,
        )
    return RedirectResponse(admin_url(ctx, page_id, done="saved"), status_code=303)


@router.post(
    "/{lp}/admin/hall/info/{page_id}/publish", include_in_schema=False, dependencies=[Depends(verify_csrf)]
)
async def publish_page(
    request: Request,
    page_id: str,
    ctx: PageContext = Depends(page_context),
    admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    values = await form_values(request)
    published = values.get("published") == "1"
    hall.set_published(
        session, admin, page_id, version=_int(values.get("version")), published=published, now=utcnow()
    )
    return RedirectResponse(
        admin_url(ctx, page_id, done="published" if published else "unpublished"), status_code=303
    )
