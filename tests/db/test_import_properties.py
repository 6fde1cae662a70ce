"""Properties of the HSDS importer over arbitrary input (hypothesis), on every backend: any JSON value
is validated without raising, and importing it either works or raises ValidationFailed (nothing
else, nothing written); a valid exported document with any text in it round-trips exactly."""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hetao.catalog import export_document, import_document, validate_document
from hetao.catalog.hsds_export import serialize_service, service_attributes
from hetao.catalog.hsds_format import COLLECTIONS, TEXT_FIELDS
from hetao.catalog.models import Service
from hetao.core.errors import ValidationFailed
from hetao.core.locales import LOCALES

#: Function-scoped fixtures are fine here: every example runs in a SAVEPOINT that is rolled back.
per_example = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

#: Any value ``json.loads`` can give (NaN and infinities included: Python's reader accepts them).
json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=12), st.just("\x00")),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=16,
)
MEMBERS = ["id", "organization_id", "name", "description", "hetao", "translations", "service_id",
           "location_id", "taxonomy_id", "parent_id", "taxonomy_term_id", "link_id", "slug",
           "service_at_locations", "required_documents", "attributes", "locations", "organization",
           "taxonomy_term", "taxonomy_detail", "faqs", "status"]  # fmt: skip
#: Objects that look like HSDS objects (the members the importer reads) with any values.
hsds_like = st.dictionaries(st.sampled_from(MEMBERS), json_value, max_size=6)
documents = st.one_of(
    json_value,
    st.fixed_dictionaries(
        {},
        optional={
            "language": st.one_of(st.sampled_from(LOCALES), json_value),
            **{
                name: st.one_of(st.lists(st.one_of(hsds_like, json_value), max_size=3), json_value)
                for name in COLLECTIONS
            },
        },
    ),
)


def _import_or_refuse(session, doc) -> None:
    """Import ``doc`` in a SAVEPOINT: it works or raises ValidationFailed with its problems."""
    savepoint = session.begin_nested()
    try:
        import_document(session, doc)
        session.flush()
    except ValidationFailed as error:
        assert error.problems
        assert all(p.path.startswith("$") and p.severity in ("error", "warning") for p in error.problems)
    finally:
        savepoint.rollback()


@pytest.fixture
def exported(session):
    return export_document(session)


def test_any_json_is_validated_or_refused_never_raised(session):
    @per_example
    @given(documents)
    def check(doc):
        plan, problems = validate_document(session, doc)
        assert plan is not None or problems
        json.dumps([p.path for p in problems])  # paths are plain text
        _import_or_refuse(session, doc)

    check()


def test_any_change_to_a_valid_document_is_imported_or_refused(session, exported):
    service = exported["services"][0]
    organization = next(o for o in exported["organizations"] if o["id"] == service["organization_id"])

    @per_example
    @given(st.data())
    def check(data):
        doc = {"language": exported["language"], "organizations": [copy.deepcopy(organization)],
               "services": [copy.deepcopy(service)]}  # fmt: skip
        # Replace a value anywhere in the document (two levels deep at most) with any JSON value.
        target = doc[data.draw(st.sampled_from(["organizations", "services"]))][0]
        key = data.draw(st.sampled_from(sorted(target) + ["hetao.slug", "translations.en"]))
        if "." in key and isinstance(target.get(key.split(".")[0]), dict):
            outer, inner = key.split(".")
            target[outer][inner] = data.draw(json_value)
        else:
            target[key] = data.draw(json_value)
        validate_document(session, doc)
        _import_or_refuse(session, doc)

    check()


def test_nul_characters_are_refused_before_any_lookup(session):
    """PostgreSQL refuses NUL even as a query parameter: the importer reports them instead."""
    doc = {
        "language": "en",
        "services": [{"id": "x\x00", "organization_id": "o\x00", "name": "a", "hetao": {"slug": "s\x00"}}],
        "taxonomies": [{"id\x00": 1}],
    }
    plan, problems = validate_document(session, doc)
    assert plan is None
    assert {p.path for p in problems} == {
        "$.services[0].id",
        "$.services[0].organization_id",
        "$.services[0].hetao.slug",
        "$.taxonomies[0].id\\0",
    }
    with pytest.raises(ValidationFailed) as refused:
        import_document(session, doc)
    assert refused.value.problems == problems


def test_deep_nesting_is_refused_without_recursing(session):
    deep: object = "leaf"
    for _ in range(100_000):  # far deeper than the interpreter's recursion limit
        deep = [deep]
    plan, problems = validate_document(session, {"language": "en", "services": [{"id": "s", "hetao": deep}]})
    assert plan is None
    assert [p.path for p in problems] == ["$.services[0].hetao" + "[0]" * 29]


#: Text a person could write in a name or description: anything but surrogates, NUL and other
#: control characters (those are refused, see test_control_characters_are_refused), not blank.
person_text = st.text(st.characters(exclude_categories=("Cs", "Cc")), min_size=1, max_size=80).filter(
    lambda s: s.strip()
)


def test_a_valid_document_with_any_text_round_trips(session, exported):
    service = exported["services"][0]

    @per_example
    @given(st.fixed_dictionaries({lang: st.fixed_dictionaries({"name": person_text, "description": person_text})
                                  for lang in LOCALES}))  # fmt: skip
    def check(texts):
        base = exported["language"]
        changed = copy.deepcopy(service)
        changed.update(texts[base])
        for lang in LOCALES:
            if lang != base:
                changed.setdefault("translations", {}).setdefault(lang, {}).update(texts[lang])
        doc = {"language": base, "services": [changed]}
        savepoint = session.begin_nested()
        try:
            import_document(session, doc)
            session.flush()
            session.expire_all()
            row = session.get(Service, service["id"])
            again = serialize_service(row, base, service_attributes(session, [row.id]).get(row.id, []))
            for lang in LOCALES:
                got = again if lang == base else again["translations"][lang]
                assert {f: got[f] for f in ("name", "description")} == texts[lang]
            for field in TEXT_FIELDS["service"]:
                if field not in ("name", "description", "legal_basis"):
                    assert again.get(field) == service.get(field)
        finally:
            savepoint.rollback()

    check()
