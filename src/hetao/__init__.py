"""Hetao One-Stop: trilingual one-stop service platform for the Hetao zone."""

__version__ = "0.1.0"
