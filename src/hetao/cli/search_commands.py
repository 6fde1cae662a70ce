"""``hetao search``, ``hetao index build`` and ``hetao eval search``."""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import typer

from hetao.core.errors import ValidationFailed
from hetao.core.locales import LOCALES
from hetao.core.settings import Settings, load_settings
from hetao.storage.database import make_engine, make_session_factory, unit_of_work
from hetao.storage.migrate import upgrade

index_app = typer.Typer(help="Search index commands.", no_args_is_help=True)
eval_app = typer.Typer(help="Evaluations.", no_args_is_help=True)


def _manager(settings: Settings, *, background: bool):
    from hetao.search import IndexManager

    engine = make_engine(settings)
    upgrade(engine)
    return engine, IndexManager(engine, backend_name=settings.search_backend, background=background)


def search_command(
    query: str = typer.Argument(..., help="The question or words."),
    lang: str = typer.Option("zh-Hant", "--lang", help="Language of the answer: " + ", ".join(LOCALES)),
    limit: int = typer.Option(10, "--limit", min=1, max=50),
    as_json: bool = typer.Option(False, "--json", help="Print the same JSON as GET /api/v1/search."),
) -> None:
    """Search services and organisations and print the answer."""
    from hetao.http.search_json import answer_read, result_url
    from hetao.search import search

    if lang not in LOCALES:
        raise typer.BadParameter(f"--lang must be one of {', '.join(LOCALES)}")
    settings = load_settings()
    engine, manager = _manager(settings, background=False)
    manager.build_now()
    try:
        with unit_of_work(make_session_factory(engine)) as session:
            outcome = search(session, manager=manager, query=query, locale=lang, limit=limit)
            answers = [answer_read(c, lang).model_dump() for c in outcome.answers]
    except ValidationFailed as failed:
        for p in failed.problems:
            typer.echo(p.render(), err=True)
        raise typer.Exit(2) from failed
    body = {
        "query": outcome.query,
        "normalized": outcome.normalized,
        "no_match": outcome.no_match,
        "did_you_mean": outcome.did_you_mean,
        "results": [
            {
                "type": r.type,
                "id": r.id,
                "title": r.title,
                "score": r.score,
                "snippet": r.snippet,
                "url": result_url(r, lang)[0],
            }
            for r in outcome.results
        ],
        "answer": answers[0] if answers else None,
        "answers": answers,
    }
    if as_json:
        typer.echo(json.dumps(body, ensure_ascii=False, indent=2))
        return
    if outcome.did_you_mean:
        typer.echo(f"Did you mean: {outcome.did_you_mean}")
    if outcome.no_match:
        typer.echo("No good answer in the catalogue.")
        return
    for card in answers:
        typer.echo(f"Answer: {card['title']} ({card['url']})")
        typer.echo(f"  apply to: {card['department']}; channels: {', '.join(card['channels'])}")
        typer.echo(f"  bring: {'; '.join(d['name'] or '' for d in card['documents'])}")
    for i, r in enumerate(body["results"], start=1):
        typer.echo(f"{i:2}. [{r['type']}] {r['title']}  {r['url']}  ({r['score']:.4f})")


@index_app.command("build")
def index_build() -> None:
    """Bring the search index, vectors included, up to date; return when it is."""
    settings = load_settings()
    _engine, manager = _manager(settings, background=False)
    started = time.perf_counter()
    index, computed = manager.build_now()
    typer.echo(
        f"Search index up to date: {len(index.documents)} documents, {computed} vectors computed "
        f"({index.backend.name if index.backend else 'lexical only'}) in {time.perf_counter() - started:.1f} s."
    )


def _reuse_vectors(settings: Settings, scratch_engine, manager) -> int:
    """Copy stored vectors from the configured database into the scratch one; 0 when there is none
    (or it is not migrated, or the backend is off). The configured database is only read."""
    from sqlalchemy import make_url
    from sqlalchemy.exc import SQLAlchemyError

    from hetao.search.index import copy_vectors

    backend = manager.backend
    if backend is None or settings.database_url == str(scratch_engine.url):
        return 0
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and not (url.database and Path(url.database).exists()):
        return 0
    source = make_engine(settings)
    try:
        with (
            make_session_factory(source)() as read,
            unit_of_work(make_session_factory(scratch_engine)) as write,
        ):
            return copy_vectors(read, write, backend_name=backend.name)
    except SQLAlchemyError:
        return 0
    finally:
        source.dispose()


@eval_app.command("search")
def eval_search(
    file: Path | None = typer.Option(
        None, "--file", help="A YAML file of labelled queries (default: the shipped set)."
    ),
    catalog: Path | None = typer.Option(
        None, "--catalog", help="An HSDS + Hetao profile file (default: the sample)."
    ),
    tune_params: bool = typer.Option(False, "--tune", help="Also grid-search the ranking parameters."),
    failures: bool = typer.Option(
        False, "--failures", help="List the questions the fused ranking gets wrong."
    ),
    reuse_vectors: bool = typer.Option(
        True,
        "--reuse-vectors/--no-reuse-vectors",
        help="Start from the vectors stored in the configured database (HETAO_DATABASE_URL) for "
        "passages that have not changed, instead of embedding everything again.",
    ),
) -> None:
    """Load a catalogue into a scratch database, run the labelled queries, print the figures for the
    fused ranking and for a BM25-only baseline measured in the same run."""
    from hetao.catalog import import_document, load_sample
    from hetao.search import evaluation

    queries = evaluation.load_queries(file)
    settings = load_settings()
    scratch = Settings(
        database_url=f"sqlite:///{Path(tempfile.mkdtemp(prefix='hetao-eval-')) / 'eval.db'}",
        search_backend=settings.search_backend,
    )
    engine, manager = _manager(scratch, background=False)
    with unit_of_work(make_session_factory(engine)) as session:
        if catalog:
            import_document(session, json.loads(catalog.read_text(encoding="utf-8")))
        else:
            load_sample(session)
    reused = _reuse_vectors(settings, engine, manager) if reuse_vectors else 0
    started = time.perf_counter()
    index, computed = manager.build_now()
    typer.echo(
        f"{len(queries)} queries; {len(index.documents)} documents; backend "
        f"{index.backend.name if index.backend else 'none'}; index built in {time.perf_counter() - started:.1f} s "
        f"({computed} vectors computed, {reused} reused from the configured database)"
    )
    reports = [evaluation.evaluate(index, queries, semantic=False, name="BM25 baseline")]
    if index.backend is not None:
        reports.append(evaluation.evaluate(index, queries, semantic=True, name="BM25 + semantic (fused)"))
    typer.echo(evaluation.format_report(reports))
    if tune_params and index.backend is not None:
        tuning, held = evaluation.split(queries)
        params, _report = evaluation.tune(index, tuning)
        typer.echo(
            f"\nbest parameters on the tuning split ({len(tuning)} questions; {len(held)} held out): {params}"
        )
        reports_tuned = []
        for label, subset in (("tuning split", tuning), ("held-out split", held)):
            for name, p in (("current", evaluation.DEFAULT_PARAMS), ("tuned", params)):
                reports_tuned.append(evaluation.evaluate(index, subset, params=p, name=f"{name}, {label}"))
        typer.echo(evaluation.format_report(reports_tuned))
    if failures:
        typer.echo("\nmisses of " + reports[-1].name + ":")
        for line in reports[-1].failures:
            typer.echo("  " + line)


def misses_command(
    limit: int = typer.Option(50, "--limit", min=1, max=1000),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """The questions the search could not answer (scrubbed of personal data), most frequent first."""
    from hetao.search import list_misses

    settings = load_settings()
    engine = make_engine(settings)
    upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as session:
        rows = [
            {"query": m.query, "locale": m.locale, "count": m.count, "last_seen": m.last_seen.isoformat()}
            for m in list_misses(session, limit=limit)
        ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("No unanswered questions recorded.")
    for row in rows:
        typer.echo(f"{row['count']:5}  {row['locale']:8} {row['query']}")
