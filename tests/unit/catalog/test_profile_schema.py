"""The Hetao profile of HSDS 3.1: merge patches, patched schemas and validators."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from hetao.catalog.profile_schema import (
    HSDS_VERSION,
    PROFILE_URI,
    load_schema,
    merge_patch,
    schema_names,
    translatable_fields,
    validator_for,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "hsds"
REPO = Path(__file__).resolve().parents[3]
PROFILE_DIR = REPO / "src" / "hetao" / "catalog" / "profile"

SERVICE_ID = "5a4c3f0e-9a57-4c1e-8a57-1d7f6f0b2c01"
ORG_ID = "5a4c3f0e-9a57-4c1e-8a57-1d7f6f0b2c02"
DOC_ID = "5a4c3f0e-9a57-4c1e-8a57-1d7f6f0b2c03"


def _errors(name: str, instance: object) -> list[str]:
    return [f"{error.json_path}: {error.message}" for error in validator_for(name).iter_errors(instance)]


def _service(**hetao_changes: object) -> dict:
    service = {
        "id": SERVICE_ID,
        "organization_id": ORG_ID,
        "name": "外商投資企業設立登記",
        "description": "為港資及外資企業辦理設立登記。",
        "status": "active",
        "translations": {
            "zh-Hans": {"name": "外商投资企业设立登记", "description": "为港资及外资企业办理设立登记。"},
            "en": {
                "name": "Registration of a foreign-invested company",
                "legal_basis": "Foreign Investment Law",
            },
        },
        "hetao": {
            "category": "government_affairs",
            "channels": ["hall", "window", "online"],
            "promised_time_limit": {"value": 3, "unit": "working_day"},
            "statutory_time_limit": {"value": 15, "unit": "working_day"},
            "cross_border": True,
            "item_code": None,
            "visits": 1,
            "slug": "foreign-invested-company-registration",
            "legal_basis": "《中華人民共和國外商投資法》",
            "faqs": [
                {
                    "question": "可以網上辦理嗎？",
                    "answer": "可以，經一網提交後到大廳領取執照。",
                    "translations": {"en": {"question": "Can I apply online?", "answer": "Yes."}},
                }
            ],
        },
        "organization": {
            "id": ORG_ID,
            "name": "福田區市場監督管理局",
            "description": "市場主體登記。",
            "hetao": {
                "kind": "department",
                "tags": ["public_service"],
                "hk_background": False,
                "slug": "futian-amr",
            },
        },
        "required_documents": [
            {
                "id": DOC_ID,
                "service_id": SERVICE_ID,
                "document": "港澳居民來往內地通行證",
                "translations": {"en": {"document": "Home Return Permit"}},
                "hetao": {"document_type": "hk-macao-travel-permit"},
            }
        ],
    }
    service["hetao"].update(hetao_changes)
    return service


# --- RFC 7386 -------------------------------------------------------------------------------------

# RFC 7386, Appendix A: (original, patch, result).
RFC7386_APPENDIX_A = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("original", "patch", "expected"), RFC7386_APPENDIX_A)
def test_merge_patch_follows_rfc7386_appendix_a(original, patch, expected):
    original_before, patch_before = copy.deepcopy(original), copy.deepcopy(patch)
    assert merge_patch(original, patch) == expected
    assert original == original_before and patch == patch_before  # inputs untouched


def test_merge_patch_follows_rfc7386_section_3_example():
    target = {
        "title": "Goodbye!",
        "author": {"givenName": "John", "familyName": "Doe"},
        "tags": ["example", "sample"],
        "content": "This will be unchanged",
    }
    patch = {
        "title": "Hello!",
        "phoneNumber": "+01-123-456-7890",
        "author": {"familyName": None},
        "tags": ["example"],
    }
    assert merge_patch(target, patch) == {
        "title": "Hello!",
        "author": {"givenName": "John"},
        "tags": ["example"],
        "content": "This will be unchanged",
        "phoneNumber": "+01-123-456-7890",
    }


# --- the profile files ----------------------------------------------------------------------------


def test_manifest_matches_module_and_patches():
    manifest = json.loads((PROFILE_DIR / "profile.json").read_text(encoding="utf-8"))
    assert manifest["uri"] == PROFILE_URI == "urn:hetao-one-stop:hsds-profile:hetao:1.0"
    assert manifest["hsds_version"] == HSDS_VERSION == "3.1"
    patch_files = {p.name for p in (PROFILE_DIR / "patches").glob("*.json")}
    assert set(manifest["patches"]) == patch_files
    for schema_file, patch_path in manifest["patches"].items():
        assert patch_path == f"patches/{schema_file}"  # a patch is named like the schema it patches
        assert schema_file in schema_names()


def test_hsds_copy_is_closed_under_ref():
    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str):
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    names = set(schema_names())
    for needed in (
        "service",
        "organization",
        "location",
        "service_at_location",
        "required_document",
        "taxonomy",
        "taxonomy_term",
        "attribute",
    ):
        assert f"{needed}.json" in names
    for name in names:
        for ref in refs(load_schema(name)):
            target = ref.split("#", 1)[0]
            assert target == "" or target in names, f"{name} refers to missing {ref}"
    assert (PROFILE_DIR / "hsds" / "LICENSE").is_file()
    assert (PROFILE_DIR / "hsds" / "ATTRIBUTION.md").is_file()


@pytest.mark.parametrize("name", schema_names())
def test_patched_schemas_are_valid_draft_2020_12(name):
    Draft202012Validator.check_schema(load_schema(name))


def test_load_schema_applies_patch_and_returns_a_copy():
    schema = load_schema("service")
    assert "hetao" in schema["properties"] and "translations" in schema["properties"]
    assert schema["required"] == ["id", "name", "status"]  # HSDS' own rules are kept
    schema["properties"].clear()
    assert "hetao" in load_schema("service.json")["properties"]
    assert "hetao" not in load_schema("attribute")["properties"]  # unpatched schema, as in HSDS
    with pytest.raises(KeyError):
        load_schema("weather")


def test_validator_is_cached():
    assert validator_for("service") is validator_for("service.json")


def test_translatable_fields():
    assert translatable_fields("required_document") == ("document",)
    assert {"name", "description", "legal_basis", "eligibility_description"} <= set(
        translatable_fields("service")
    )
    assert "transportation" in translatable_fields("location")
    assert translatable_fields("attribute") == ()


# --- validation -----------------------------------------------------------------------------------


def test_hsds_example_service_validates_against_profile():
    example = json.loads((FIXTURES / "service_full.json").read_text(encoding="utf-8"))
    assert _errors("service", example) == []


def test_service_with_valid_hetao_object_validates():
    assert _errors("service", _service()) == []
    assert (
        _errors("service", _service(promised_time_limit=None, statutory_time_limit=None, item_code="1144"))
        == []
    )
    minimal = {
        "category": "innovation",
        "channels": ["online"],
        "cross_border": False,
        "visits": 0,
        "slug": "x",
    }
    assert _errors("service", {**_service(), "hetao": minimal}) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"category": "weather"},
        {"channels": []},
        {"channels": ["hall", "hall"]},
        {"channels": ["post"]},
        {"promised_time_limit": {"value": 0, "unit": "working_day"}},
        {"statutory_time_limit": {"value": 5, "unit": "hour"}},
        {"promised_time_limit": {"value": 5}},
        {"visits": -1},
        {"visits": 1.5},
        {"slug": "Not A Slug"},
        {"slug": "trailing-"},
        {"cross_border": "yes"},
        {"faqs": [{"question": "Q only"}]},
        {"colour": "red"},
    ],
)
def test_service_with_invalid_hetao_object_fails(changes):
    assert _errors("service", _service(**changes))


@pytest.mark.parametrize("missing", ["category", "channels", "cross_border", "visits", "slug"])
def test_service_hetao_required_members(missing):
    service = _service()
    del service["hetao"][missing]
    assert _errors("service", service)


@pytest.mark.parametrize(
    "translations",
    [
        {"en": {"name": 42}},
        {"en": {"name": None}},
        {"en": "Registration"},
        {"EN": {"name": "Registration"}},
        {"zh_Hant": {"name": "登記"}},
        {"en": {"nmae": "typo in the field name"}},
    ],
)
def test_invalid_translations_fail(translations):
    assert _errors("service", {**_service(), "translations": translations})


def test_faq_translation_with_non_string_value_fails():
    service = _service()
    service["hetao"]["faqs"][0]["translations"] = {"en": {"answer": ["Yes"]}}
    assert _errors("service", service)


def test_embedded_children_use_patched_schemas():
    service = _service()
    service["organization"]["hetao"]["kind"] = "spaceship"
    service["required_documents"][0]["hetao"]["document_type"] = "Home Return Permit"
    service["required_documents"][0]["translations"] = {"en": {"document": 1}}
    errors = _errors("service", service)
    assert any(e.startswith("$.organization.hetao.kind") for e in errors)
    assert any(e.startswith("$.required_documents[0].hetao.document_type") for e in errors)
    assert any(e.startswith("$.required_documents[0].translations.en.document") for e in errors)
    # HSDS' own required fields still apply to embedded children
    del service["organization"]["description"]
    assert any(e.startswith("$.organization:") and "description" in e for e in _errors("service", service))


def test_organization_and_location_profile_fields():
    organization = {
        "id": ORG_ID,
        "name": "香港科技大學深圳研究院",
        "description": "研究院。",
        "translations": {"en": {"name": "HKUST Shenzhen Research Institute"}},
        "hetao": {
            "kind": "university_institute",
            "tags": ["ai", "chips"],
            "hk_background": True,
            "slug": "hkust-sri",
        },
    }
    assert _errors("organization", organization) == []
    assert _errors("organization", {**organization, "hetao": {"kind": "department", "slug": "x"}})
    assert _errors("organization", {**organization, "hetao": {**organization["hetao"], "tags": ["ai", "ai"]}})
    with_place = {**organization["hetao"], "location_id": DOC_ID}
    assert _errors("organization", {**organization, "hetao": with_place}) == []
    assert _errors("organization", {**organization, "hetao": {**with_place, "location_id": "e-station"}})

    location = {
        "id": DOC_ID,
        "location_type": "physical",
        "name": "河套深港科技創新合作區",
        "translations": {"en": {"name": "Hetao zone", "transportation": "Metro Line 4"}},
        "hetao": {
            "slug": "hetao-zone",
            "kind": "science_base",
            "map": {"x": 10, "y": 20, "width": 300, "height": 200},
        },
    }
    assert _errors("location", location) == []
    assert _errors("location", {**location, "hetao": {"kind": "moon"}})
    assert _errors("location", {**location, "hetao": {"map": {"x": 1, "y": 2, "width": 3}}})


def test_ids_must_be_uuids():
    assert _errors("service", {**_service(), "id": "not-a-uuid"})


def test_example_in_profile_documentation_is_valid():
    text = (REPO / "docs" / "hsds-profile.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, re.S)
    example = next(json.loads(b) for b in blocks if b.startswith("{") and '"services": [\n    {' in b)
    assert example["language"] == "zh-Hant"
    lists = {
        "organizations": "organization",
        "services": "service",
        "locations": "location",
        "service_at_locations": "service_at_location",
        "taxonomies": "taxonomy",
        "taxonomy_terms": "taxonomy_term",
    }
    assert set(example) == {"language", *lists}
    for key, schema in lists.items():
        for obj in example[key]:
            assert _errors(schema, obj) == []
