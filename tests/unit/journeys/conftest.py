"""Shared set-up of the journey tests: the shipped journeys checked against the sample catalogue, and
service facts read straight from the sample YAML (no database)."""

from __future__ import annotations

from datetime import date
from importlib.resources import files

import pytest
import yaml

from hetao.core.workdays import Calendar
from hetao.journeys import Outcome, ServiceFacts, TimeLimit, build_plan, load_journeys

SAMPLE = files("hetao").joinpath("data", "sample")
#: A Monday with no holiday in the weeks after it.
START = date(2026, 3, 2)


def _sample_services() -> list[dict]:
    out: list[dict] = []
    for entry in SAMPLE.joinpath("services").iterdir():
        if entry.name.endswith(".yaml"):
            out.extend(yaml.safe_load(entry.read_text(encoding="utf-8")))
    return out


def _document_names() -> dict[str, dict[str, str]]:
    names: dict[str, dict[str, str]] = {}
    for entry in SAMPLE.iterdir():
        if entry.name.startswith("document_types") and entry.name.endswith(".yaml"):
            for doc in yaml.safe_load(entry.read_text(encoding="utf-8")):
                names[doc["key"]] = doc["name"]
    return names


@pytest.fixture(scope="session")
def catalog_keys() -> frozenset[str]:
    return frozenset(s["key"] for s in _sample_services())


@pytest.fixture(scope="session")
def journeys(catalog_keys):
    return load_journeys(catalog_keys=catalog_keys)


def sample_facts() -> dict[str, ServiceFacts]:
    doc_names = _document_names()
    out = {}
    for s in _sample_services():
        limit = s.get("promised_time_limit") or s.get("statutory_time_limit")
        out[s["key"]] = ServiceFacts(
            key=s["key"],
            names=s["name"],
            department=s["department"],
            time_limit=TimeLimit(limit["value"], limit["unit"]) if limit else None,
            documents=tuple(s["documents"]),
            document_names={code: doc_names[code] for code in s["documents"] if code in doc_names},
        )
    return out


@pytest.fixture(scope="session")
def facts() -> dict[str, ServiceFacts]:
    return sample_facts()


@pytest.fixture(scope="session")
def calendar() -> Calendar:
    from hetao.core.workdays import mainland_calendar

    return mainland_calendar()


def outcomes(journey, answers, facts, start=START):
    """(required keys in plan order, optional keys in plan order, excluded keys in data order)."""
    plan = build_plan(journey, answers, facts, start)
    return (
        [s.key for s in plan.steps if s.outcome is Outcome.required],
        [s.key for s in plan.steps if s.outcome is Outcome.optional],
        [e.key for e in plan.excluded],
    )
