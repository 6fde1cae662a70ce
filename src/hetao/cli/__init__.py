"""The ``hetao`` command line (Typer)."""

from hetao.cli.main import app, main

__all__ = ["app", "main"]
