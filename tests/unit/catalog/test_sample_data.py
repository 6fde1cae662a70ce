"""The shipped sample data: enough of it, in three languages, honest (no contact details)."""

from __future__ import annotations

import re
from collections import Counter
from importlib.resources import files

import pytest
import yaml

from hetao.catalog.models import Category
from hetao.catalog.profile_schema import validator_for
from hetao.catalog.sample import build_document

SAMPLE = files("hetao").joinpath("data", "sample")
LOCALES = ("zh-Hant", "zh-Hans", "en")


@pytest.fixture(scope="module")
def doc():
    return build_document()


def _yaml_files():
    for entry in SAMPLE.iterdir():
        if entry.name.endswith(".yaml"):
            yield entry
    for entry in SAMPLE.joinpath("services").iterdir():
        yield entry


def test_at_least_120_services_and_12_in_every_category(doc):
    counts = Counter(s["hetao"]["category"] for s in doc["services"])
    assert len(doc["services"]) >= 120
    assert set(counts) == {c.value for c in Category}
    assert min(counts.values()) >= 12, counts


def test_every_service_has_name_and_description_in_three_languages(doc):
    for s in doc["services"]:
        assert s["name"] and s["description"]
        for loc in ("zh-Hans", "en"):
            assert s["translations"][loc]["name"] and s["translations"][loc]["description"], s["hetao"][
                "slug"
            ]


def test_zh_hans_is_written_not_a_copy_of_zh_hant(doc):
    same = [
        s["hetao"]["slug"]
        for s in doc["services"]
        if s["translations"]["zh-Hans"]["description"] == s["description"]
    ]
    assert not same


def test_document_type_keys_are_unique_across_files():
    keys = Counter()
    for entry in SAMPLE.iterdir():
        if entry.name.startswith("document_types") and entry.name.endswith(".yaml"):
            keys.update(d["key"] for d in yaml.safe_load(entry.read_text(encoding="utf-8")))
    assert [k for k, n in keys.items() if n > 1] == []


def test_shared_document_types_are_used_by_many_items(doc):
    usage = Counter(rd["hetao"]["document_type"] for s in doc["services"] for rd in s["required_documents"])
    assert usage["hk-macao-travel-permit"] >= 20


def test_sample_objects_validate_against_the_profile(doc):
    for collection, kind in (
        ("services", "service"),
        ("organizations", "organization"),
        ("locations", "location"),
    ):
        validator = validator_for(kind)
        for obj in doc[collection]:
            errors = list(validator.iter_errors(obj))
            assert not errors, (obj.get("id"), [e.message for e in errors[:3]])


def test_news_report_organisations_are_in_the_directory(doc):
    names = {o["name"] for o in doc["organizations"]}
    for expected in (
        "香港科技大學",
        "晶泰科技",
        "粵港澳青年創新創業工場",
        "孔雀谷",
        "UNI香港青年創業空間",
        "深圳國際量子研究院",
    ):
        assert any(expected in n for n in names), expected


PHONE = re.compile(r"(?<![\d.])(?:\+?\d[\d\s-]{6,}\d)(?![\d.])")
URL = re.compile(r"https?://|www\.", re.I)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")


def test_no_phone_numbers_urls_or_emails_in_sample_data():
    for entry in _yaml_files():
        body = entry.read_text(encoding="utf-8")
        for pattern in (URL, EMAIL):
            assert not pattern.search(body), (entry.name, pattern.search(body).group(0))
        for match in PHONE.finditer(body):
            if re.search(r"(GB|GB/T|ISO)\s*$", body[max(0, match.start() - 6) : match.start()]):
                continue  # a standard's number, e.g. GB 17761-2018
            digits = re.sub(r"\D", "", match.group(0))
            # years, amounts and ranges are fine; 8+ digit runs look like phone numbers
            assert len(digits) < 8, (entry.name, match.group(0))


def test_sample_files_say_they_are_illustrative():
    readme = SAMPLE.joinpath("README.md").read_text(encoding="utf-8")
    assert "ILLUSTRATIVE" in readme
    for entry in SAMPLE.iterdir():
        if entry.name.endswith(".yaml") and not entry.name.startswith("document_types_"):
            assert (
                "llustrative" in entry.read_text(encoding="utf-8")[:400]
                or "ILLUSTRATIVE" in entry.read_text(encoding="utf-8")[:400]
            ), entry.name
