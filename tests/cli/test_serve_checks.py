"""`hetao serve` checks the settings before touching the database and names every problem."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from hetao.cli import app

runner = CliRunner()


def test_production_refuses_sqlite_with_workers_and_the_development_settings(tmp_path):
    db = tmp_path / "never.db"
    env = {"HETAO_ENV": "production", "HETAO_DATABASE_URL": f"sqlite:///{db}"}
    result = runner.invoke(app, ["serve", "--workers", "2"], env=env)
    assert result.exit_code == 2
    for name in ("HETAO_SECRET_KEY", "SQLite", "HETAO_MAIL_BACKEND", "HETAO_SECURE_COOKIES"):
        assert name in result.output
    assert not Path(db).exists()


def test_an_unknown_log_format_is_refused_in_development(tmp_path):
    env = {"HETAO_LOG_FORMAT": "xml", "HETAO_DATABASE_URL": f"sqlite:///{tmp_path / 'never.db'}"}
    result = runner.invoke(app, ["serve"], env=env)
    assert result.exit_code == 2 and "HETAO_LOG_FORMAT" in result.output


def test_serve_empties_the_prometheus_directory_of_an_earlier_run(tmp_path, monkeypatch):
    from hetao.cli.main import _prepare_metrics_dir

    directory = tmp_path / "metrics"
    directory.mkdir()
    (directory / "histogram_123.db").write_bytes(b"old samples")
    (directory / "keep.txt").write_text("not ours")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(directory))
    _prepare_metrics_dir(2)
    assert sorted(p.name for p in directory.iterdir()) == ["keep.txt"]
