"""Administration of content: import an HSDS 3.1 (Hetao profile) document in the site — validated
as a whole, written in one transaction or not at all — export it, and check the journeys against the
stored catalogue."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from hetao import catalog, journeys
from hetao.accounts import Principal
from hetao.core.db import utcnow
from hetao.core.errors import Problem, ValidationFailed
from hetao.core.i18n import N_
from hetao.core.locales import LOCALES
from hetao.http.deps import fresh_journeys
from hetao.http.threaded import ThreadedRoute
from hetao.web.auth import require_admin, verify_csrf
from hetao.web.context import PageContext
from hetao.web.deps import db_session, page_context
from hetao.web.guard import allow_body
from hetao.web.templating import render

router = APIRouter(route_class=ThreadedRoute)
MAX_IMPORT_BYTES = 50 * 1024 * 1024


def _page(request, ctx, session, *, status_code=200, problems=None, report=None):
    t = ctx.t
    return render(
        request,
        "admin/catalogue.html",
        ctx,
        status_code=status_code,
        problems=[(p.severity, p.path, t.gettext(p.message, **p.params)) for p in problems or []],
        report=report,
        journey_problems=[
            (p.path, t.gettext(p.message, **p.params))
            for p in journeys.check_against_catalog(session, journeys.list_journeys())
        ],
        journeys=journeys.list_journeys(),
        languages=LOCALES,
    )


@router.get("/{lp}/admin/catalogue", include_in_schema=False, dependencies=[Depends(fresh_journeys)])
def catalogue_page(
    request: Request,
    ctx: PageContext = Depends(page_context),
    _admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    return _page(request, ctx, session)


@router.post("/{lp}/admin/catalogue/import", include_in_schema=False, dependencies=[Depends(verify_csrf)])
@allow_body(MAX_IMPORT_BYTES + 1024 * 1024)  # the file and the form around it
async def import_catalogue(
    request: Request,
    ctx: PageContext = Depends(page_context),
    _admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    form = await request.form()
    upload = form.get("file")
    data = await upload.read(MAX_IMPORT_BYTES + 1) if isinstance(upload, UploadFile) else b""
    try:
        if not data:
            raise ValidationFailed([Problem("file", N_("Choose a file to upload."))])
        if len(data) > MAX_IMPORT_BYTES:
            raise ValidationFailed([Problem("file", N_("The file is larger than %(mb)s MB."), {"mb": 50})])
        try:
            doc = json.loads(data.decode("utf-8"))
        except RecursionError:
            raise ValidationFailed([Problem("file", N_("The file's JSON is nested too deeply."))]) from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ValidationFailed(
                [Problem("file", N_("The file is not valid UTF-8 JSON: %(reason)s"), {"reason": str(exc)})]
            ) from None
        with session.begin_nested():
            report = catalog.import_document(session, doc)
    except ValidationFailed as failed:
        return _page(request, ctx, session, status_code=422, problems=failed.problems)
    return _page(request, ctx, session, report=report)


@router.get("/{lp}/admin/catalogue/export", include_in_schema=False)
def export_catalogue(
    request: Request,
    _admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
    ctx: PageContext = Depends(page_context),
):
    language = request.query_params.get("language") or "zh-Hant"
    if language not in LOCALES:
        language = "zh-Hant"
    body = (
        json.dumps(catalog.export_document(session, language=language), ensure_ascii=False, indent=2) + "\n"
    )
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="hetao-catalogue-{language}.json"'},
    )


def _journey_page(request, ctx, session, slug, *, source=None, status_code=200, problems=None, notice=""):
    t = ctx.t
    journey = journeys.get_journey(slug)
    return render(
        request,
        "admin/journey.html",
        ctx,
        status_code=status_code,
        journey=journey,
        source=source if source is not None else journeys.source_of(session, slug),
        problems=[(p.path, t.gettext(p.message, **p.params)) for p in problems or []],
        revisions=journeys.history(session, slug),
        notice=notice,
    )


@router.get("/{lp}/admin/journeys/{slug}", include_in_schema=False, dependencies=[Depends(fresh_journeys)])
def journey_page(
    request: Request,
    slug: str,
    ctx: PageContext = Depends(page_context),
    _admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    notice = (
        ctx.t.gettext("The journey is saved; it is in use from now on.")
        if request.query_params.get("done")
        else ""
    )
    return _journey_page(request, ctx, session, slug, notice=notice)


@router.post(
    "/{lp}/admin/journeys/{slug}",
    include_in_schema=False,
    dependencies=[Depends(verify_csrf), Depends(fresh_journeys)],
)
async def save_journey(
    request: Request,
    slug: str,
    ctx: PageContext = Depends(page_context),
    admin: Principal = Depends(require_admin),
    session: Session = Depends(db_session, scope="function"),
):
    form = await request.form()
    source = str(form.get("source", "")).replace("\r\n", "\n")
    keys = {
        s.slug for s in session.scalars(select(catalog.Service).where(catalog.Service.status == "active"))
    }
    try:
        journeys.save_revision(
            session, slug=slug, source=source, author_id=admin.user_id, catalog_keys=keys, now=utcnow()
        )
    except ValidationFailed as failed:
        return _journey_page(
            request, ctx, session, slug, source=source, status_code=422, problems=failed.problems
        )
    return RedirectResponse(f"{ctx.urls.prefix}/admin/journeys/{slug}?done=1", status_code=303)
