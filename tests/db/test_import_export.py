"""HSDS import and export against a real database (every backend)."""

from __future__ import annotations

import copy
import json

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from hetao.catalog import catalog_version, export_document, import_document, validate_document
from hetao.catalog.hsds_format import COLLECTIONS
from hetao.catalog.models import Service
from hetao.catalog.profile_schema import validator_for
from hetao.core.errors import ValidationFailed
from hetao.core.settings import Settings
from hetao.storage.database import make_engine, unit_of_work
from hetao.storage.migrate import upgrade


@pytest.fixture
def empty_factory(empty_db_url):
    engine = make_engine(Settings(database_url=empty_db_url))
    upgrade(engine)
    yield sessionmaker(bind=engine, expire_on_commit=False)
    engine.dispose()


@pytest.fixture(scope="module")
def sample_export():
    from hetao.catalog.sample import build_document

    return build_document()


def _dump(doc) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2)


def test_export_of_the_sample_validates_against_hsds_and_the_profile(session):
    doc = export_document(session)
    assert len(doc["services"]) >= 120
    for collection, kind in COLLECTIONS.items():
        validator = validator_for(kind)
        for obj in doc[collection]:
            assert not list(validator.iter_errors(obj)), obj["id"]
    for s in doc["services"]:
        assert s["name"] and s["description"]
        assert s["translations"]["zh-Hans"]["name"] and s["translations"]["en"]["name"]
        assert s["translations"]["zh-Hans"]["description"] and s["translations"]["en"]["description"]


def test_export_import_export_round_trips_exactly(session, empty_factory):
    first = export_document(session)
    with unit_of_work(empty_factory) as s2:
        report = import_document(s2, first)
    assert report.created["service"] == len(first["services"])
    with unit_of_work(empty_factory) as s2:
        second = export_document(s2)
    assert _dump(second) == _dump(first)


@pytest.mark.parametrize("language", ["en", "zh-Hans"])
def test_round_trip_in_another_base_language(session, empty_factory, language):
    first = export_document(session, language=language)
    with unit_of_work(empty_factory) as s2:
        import_document(s2, first)
    with unit_of_work(empty_factory) as s2:
        assert _dump(export_document(s2, language=language)) == _dump(first)
        assert _dump(export_document(s2)) == _dump(export_document(session))


def test_importing_the_same_file_twice_changes_nothing(session):
    doc = export_document(session)
    version = catalog_version(session)
    report = import_document(session, doc)
    assert not report.changed, (report.created, report.updated)
    assert catalog_version(session) == version
    assert _dump(export_document(session)) == _dump(doc)


def test_an_edit_is_applied_and_bumps_the_version(session):
    doc = export_document(session)
    version = catalog_version(session)
    doc["services"][0]["translations"]["en"]["name"] = "Renamed item"
    report = import_document(session, doc)
    assert report.updated["service"] == 1 and sum(report.created.values()) == 0
    assert catalog_version(session) == version + 1
    assert session.get(Service, doc["services"][0]["id"]).text("name", "en").value == "Renamed item"


def _counts(session) -> dict[str, int]:
    from hetao.catalog.models import Attribute, DocumentType, RequiredDocument, ServiceText
    from hetao.directory.models import Organization

    return {
        m.__name__: session.scalar(select(func.count()).select_from(m))
        for m in (Service, ServiceText, RequiredDocument, DocumentType, Attribute, Organization)
    }


def test_one_broken_reference_rejects_the_whole_file_and_changes_nothing(session, sample_export):
    doc = copy.deepcopy(sample_export)
    before = _counts(session)
    before_export = _dump(export_document(session))
    # a new valid service plus edits to existing ones …
    doc["services"][0]["translations"]["en"]["name"] = "Changed"
    new = copy.deepcopy(doc["services"][1])
    new["id"] = "00000000-0000-4000-8000-000000000001"
    new["hetao"]["slug"] = "a-new-item"
    new["required_documents"] = []
    new["attributes"] = []
    doc["services"].append(new)
    # … and one broken reference
    doc["services"][5]["organization_id"] = "00000000-0000-4000-8000-00000000dead"
    with pytest.raises(ValidationFailed) as failed:
        import_document(session, doc)
    errors = [p for p in failed.value.problems if p.severity == "error"]
    assert len(errors) == 1
    assert errors[0].path == "$.services[5].organization_id"
    assert "00000000-0000-4000-8000-00000000dead" in errors[0].render()
    assert _counts(session) == before
    assert _dump(export_document(session)) == before_export


def test_every_problem_is_listed_with_its_json_path(session, sample_export):
    doc = copy.deepcopy(sample_export)
    doc["services"][0]["hetao"]["category"] = "weather"
    doc["services"][1]["hetao"]["channels"] = []
    doc["services"][2]["id"] = doc["services"][3]["id"]
    doc["service_at_locations"][0]["location_id"] = "00000000-0000-4000-8000-00000000beef"
    doc["organizations"][0]["hetao"]["kind"] = "pirate"
    plan, problems = validate_document(session, doc)
    paths = {p.path for p in problems if p.severity == "error"}
    assert "$.services[0].hetao.category" in paths
    assert "$.services[1].hetao.channels" in paths
    assert "$.services[3]" in paths  # the duplicate
    assert "$.organizations[0].hetao.kind" in paths


def test_reference_errors_are_all_listed(session, sample_export):
    doc = copy.deepcopy(sample_export)
    doc["service_at_locations"][0]["location_id"] = "00000000-0000-4000-8000-00000000beef"
    doc["services"][7]["attributes"][0]["taxonomy_term_id"] = "00000000-0000-4000-8000-00000000cafe"
    doc["organizations"][3]["hetao"]["location_id"] = "00000000-0000-4000-8000-00000000f00d"
    _plan, problems = validate_document(session, doc)
    paths = sorted(p.path for p in problems if p.severity == "error")
    assert paths == [
        "$.organizations[3].hetao.location_id",
        "$.service_at_locations[0].location_id",
        "$.services[7].attributes[0].taxonomy_term_id",
    ]


def test_missing_translations_are_warnings_not_errors(session, sample_export):
    doc = copy.deepcopy(sample_export)
    del doc["services"][0]["translations"]["en"]
    _plan, problems = validate_document(session, doc)
    assert not [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    assert any(p.path == "$.services[0].translations.en" and "name" in p.render() for p in warnings)


def test_a_slug_taken_by_another_item_is_an_error(session, sample_export):
    doc = {"language": "zh-Hant", "services": [copy.deepcopy(sample_export["services"][0])]}
    doc["services"][0]["id"] = "00000000-0000-4000-8000-000000000002"
    for rd in doc["services"][0]["required_documents"]:
        rd["id"] = rd["id"][:-4] + "0000"
        rd["service_id"] = doc["services"][0]["id"]
    doc["services"][0]["attributes"] = []
    _plan, problems = validate_document(session, doc)
    assert any("slug" in p.path for p in problems if p.severity == "error")


def test_embedded_children_are_imported(session, empty_factory, sample_export):
    service = copy.deepcopy(sample_export["services"][0])
    org = next(o for o in sample_export["organizations"] if o["id"] == service["organization_id"])
    org = {**copy.deepcopy(org)}
    org["hetao"]["location_id"] = None
    del service["organization_id"]
    service["organization"] = org
    service["attributes"] = []
    doc = {"language": "zh-Hant", "services": [service]}
    with unit_of_work(empty_factory) as s2:
        report = import_document(s2, doc)
    assert report.created["organization"] == 1 and report.created["service"] == 1
    with unit_of_work(empty_factory) as s2:
        out = export_document(s2)
    assert out["organizations"][0]["id"] == org["id"]
    assert out["services"][0]["organization_id"] == org["id"]


@pytest.mark.parametrize(
    "bad",
    [
        [],
        "text",
        {"language": "fr"},
        {"language": "zh-Hant", "services": {}},
        {"language": "en", "extra": []},
    ],
)
def test_malformed_documents_are_rejected(session, bad):
    with pytest.raises(ValidationFailed):
        import_document(session, bad)
